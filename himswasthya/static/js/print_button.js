// Buttons marked data-print print the page (instead of an inline onclick="window.print()", which the
// Content-Security-Policy script-src 'self' refuses).
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
