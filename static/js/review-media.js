/* The review page's videos made in the background: while the playable copy or the
   annotated export is being made, poll the session's status and reload once it is ready. */
(function () {
  "use strict";
  var waiting = document.querySelector("[data-wait]");
  if (!waiting) return;
  var field = waiting.dataset.wait;  // "playback" or "export"
  var busy = field === "playback" ? "preparing" : "making";
  function poll() {
    fetch(waiting.dataset.statusUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s[field] !== busy) window.location.reload();
        else setTimeout(poll, 2000);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1500);
})();
