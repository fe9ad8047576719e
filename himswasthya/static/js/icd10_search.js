// ICD-10 search: fetch matching codable codes as HTML and add a chosen code to the codes field.
// Without JavaScript the codes are typed into the field directly.
(function () {
  "use strict";
  document.querySelectorAll("[data-icd10-url]").forEach(function (box) {
    var results = box.nextElementSibling;
    var target = document.getElementById(box.getAttribute("data-icd10-target"));
    var timer = null;
    box.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var q = box.value.trim();
        if (q.length < 2) { results.innerHTML = ""; return; }
        fetch(box.getAttribute("data-icd10-url") + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.text() : ""; })
          .then(function (html) { results.innerHTML = html; });
      }, 250);
    });
    results.addEventListener("click", function (event) {
      var code = event.target.getAttribute("data-icd10-code");
      if (!code || !target) { return; }
      var codes = target.value.split(",").map(function (c) { return c.trim(); }).filter(Boolean);
      if (codes.indexOf(code) < 0) { codes.push(code); }
      target.value = codes.join(", ");
    });
  });
})();
