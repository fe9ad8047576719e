// Waiting-hall display: refresh the token board in place every few seconds (no page reload, no CDN).
(function () {
  "use strict";
  var board = document.getElementById("queue-board");
  if (!board) { return; }
  var url = board.getAttribute("data-board-url");
  var seconds = parseInt(board.getAttribute("data-refresh-seconds"), 10) || 5;
  function refresh() {
    fetch(url, { cache: "no-store", credentials: "omit" })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) { board.innerHTML = html; board.setAttribute("data-stale", "false"); })
      .catch(function () { board.setAttribute("data-stale", "true"); })
      .then(function () { window.setTimeout(refresh, seconds * 1000); });
  }
  window.setTimeout(refresh, seconds * 1000);
})();
