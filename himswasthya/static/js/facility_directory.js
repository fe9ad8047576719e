// Progressive enhancement: choosing a district reloads its blocks from the public places API.
(function () {
  "use strict";
  var district = document.getElementById("id_district"), block = document.getElementById("id_block");
  if (!district || !block) { return; }
  var hindi = document.documentElement.lang === "hi";
  district.addEventListener("change", function () {
    var all = block.options[0];
    block.innerHTML = ""; block.appendChild(all);
    if (!district.value) { return; }
    fetch(district.dataset.blocksUrl.replace("{}", district.value)).then(function (r) { return r.json(); })
      .then(function (blocks) {
        blocks.forEach(function (b) {
          var o = document.createElement("option");
          o.value = b.lgd_code; o.textContent = hindi && b.name_hi ? b.name_hi : b.name;
          block.appendChild(o);
        });
      });
  });
})();
