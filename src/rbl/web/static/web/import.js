// Polls the status of a running import and reloads the page when it is done.
(function () {
  "use strict";
  var box = document.getElementById("import-status");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("voortgang");
  var text = document.getElementById("procent");
  var phase = document.getElementById("fase");
  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.done) { window.location.reload(); return; }
        if (bar) { bar.value = s.percent; }
        if (text) { text.textContent = s.percent + "%"; }
        if (phase) { phase.textContent = s.phase_text; }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
