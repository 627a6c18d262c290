/* Training and version pages: a run's live progress (polling the API) and the charts. */
(function () {
  "use strict";

  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  function lossSeries(history) {
    return [
      { name: "train", cls: "s-train", points: history.map(function (h) { return [h.epoch, h.loss]; }) },
      { name: "validation", cls: "s-val", points: history.map(function (h) { return [h.epoch, h.val_loss === undefined ? null : h.val_loss]; }) }
    ];
  }
  function fmt(v) { return v === null || v === undefined ? "–" : Number(v).toFixed(4); }

  // --- the current or last run, on the training page ---
  var run = read("run-data");
  var $ = function (id) { return document.getElementById(id); };
  if (run && $("run-box")) {
    var show = function (r) {
      $("run-status").textContent = r.status;
      $("run-status").className = "badge status-" + r.status;
      $("run-phase").textContent = r.phase && r.phase !== r.status ? r.phase : "";
      var epochs = r.epochs || 0;
      $("run-epoch").textContent = "epoch " + r.epoch + " of " + (epochs || "?");
      var pct = r.status === "done" ? 100 : epochs ? 100 * r.epoch / epochs : 0;
      $("run-bar").style.width = pct + "%";
      var last = (r.history || [])[r.history.length - 1];
      $("run-loss").textContent = last ? "· loss " + fmt(last.loss) + " · val_loss " + fmt(last.val_loss) : "";
      Charts.lines($("loss-chart"), lossSeries(r.history || []), { xmax: epochs || 1, empty: r.status === "failed" ? "No epochs finished" : "Waiting for the first epoch…" });
      $("run-error").textContent = r.error || "";
      $("run-error").classList.toggle("hidden", r.status !== "failed");
      if (r.status === "done" && r.version_id) {
        $("run-version").textContent = r.version + (r.activated ? " (activated automatically)" : "");
        $("run-version").href = "/detectors/" + r.version_id + "/";
        $("run-done").classList.remove("hidden");
      }
    };
    var poll = function () {
      fetch(run.api_url, { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (r) {
          show(r);
          if (r.status === "queued" || r.status === "running") setTimeout(poll, 1500);
        })
        .catch(function () { setTimeout(poll, 4000); });
    };
    show(run);
    if (run.status === "queued" || run.status === "running") setTimeout(poll, 800);
  }

  // --- a version page: loss curves and held-out score distributions ---
  var charts = read("version-charts");
  if (charts) {
    if ($("version-loss")) Charts.lines($("version-loss"), lossSeries(charts.history || []), { empty: "No loss history (trained from the command line before runs were recorded)" });
    if ($("version-scores")) {
      var s = charts.scores || {};
      Charts.strips($("version-scores"), [
        { name: "Good form", cls: "good", values: s.good || [] },
        { name: "Anomaly", cls: "anomalous", values: s.anomalous || [] }
      ], charts.threshold);
    }
  }
  // Activation is a switch every coach's page feels: ask first.
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (ev) { if (!window.confirm(f.dataset.confirm)) ev.preventDefault(); });
  });
})();
