// Polls the progress of a letter batch and reloads the page when it is done.
(function () {
  "use strict";
  var box = document.getElementById("batch-status");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("voortgang");
  var text = document.getElementById("procent");
  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.finished) { window.location.reload(); return; }
        if (bar) { bar.value = s.percent; }
        if (text) { text.textContent = s.done + " van " + (s.total || "?"); }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
