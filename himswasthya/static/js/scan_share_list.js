// Scan and share list: refresh the rows in place; wait while the clerk is choosing a department in one of them.
// (A static file, not inline: the Content-Security-Policy allows only script-src 'self'.)
(function () {
  "use strict";
  var box = document.getElementById("scan-share-rows");
  if (!box) { return; }
  var url = box.getAttribute("data-rows-url");
  var seconds = parseInt(box.getAttribute("data-refresh-seconds"), 10) || 3;
  function busy() { return box.contains(document.activeElement) && document.activeElement !== document.body; }
  function refresh() {
    if (busy()) { window.setTimeout(refresh, seconds * 1000); return; }
    fetch(url, { cache: "no-store", credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) { if (!busy()) { box.innerHTML = html; } box.setAttribute("data-stale", "false"); })
      .catch(function () { box.setAttribute("data-stale", "true"); })
      .then(function () { window.setTimeout(refresh, seconds * 1000); });
  }
  window.setTimeout(refresh, seconds * 1000);
})();
