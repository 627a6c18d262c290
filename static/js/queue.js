/* The review queue: one rep at a time, labelled from the keyboard (labels.js posts). */
(function () {
  "use strict";

  var items = JSON.parse((document.getElementById("queue-data") || {}).textContent || "[]");
  var help = document.getElementById("help");
  function toggleHelp(show) {
    if (!help) return;
    help.classList.toggle("hidden", show === undefined ? !help.classList.contains("hidden") : !show);
  }
  var helpToggle = document.getElementById("help-toggle");
  if (helpToggle) helpToggle.addEventListener("click", function () { toggleHelp(); });
  var helpClose = document.getElementById("help-close");
  if (helpClose) helpClose.addEventListener("click", function () { toggleHelp(false); });

  var boxEl = document.getElementById("queue-label-box");
  if (!items.length || !boxEl) {
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "?") toggleHelp();
      else if (ev.key === "Escape") toggleHelp(false);
    });
    return;
  }

  var $ = function (id) { return document.getElementById(id); };
  var video = $("queue-video");
  // The analysis drawn over the video (overlay.js): the landmarks of the item's session.
  var canvas = $("queue-overlay");
  var overlay = window.VideoOverlay && canvas ? VideoOverlay.attach(video, canvas, null) : null;
  var noteInput = boxEl.querySelector("[data-label-note]");
  var pos = 0;
  var advanceTimer = null;
  var box = new Labels.Box(boxEl, { onLabelled: labelled, textEl: document.querySelector("[data-testid=queue-coach] [data-label-text]") });

  function fmtScore(it) {
    if (it.score === null || it.score === undefined) return "";
    return it.score.toFixed(2) + (it.threshold !== null && it.threshold !== undefined ? " / " + it.threshold.toFixed(2) : "");
  }

  function progress() {
    var done = items.filter(function (it) { return it.label; }).length;
    $("queue-progress").textContent = done + " of " + items.length + " labelled";
    $("queue-bar").style.width = (100 * done / items.length) + "%";
    $("queue-position").textContent = "rep " + (pos + 1) + " of " + items.length;
  }

  function loopRep() {
    var it = items[pos];
    if (!it || video.seeking) return;
    if (video.currentTime < it.start_s - 0.05 || video.currentTime >= it.end_s) video.currentTime = it.start_s;
  }

  function render() {
    var it = items[pos];
    $("queue-title").textContent = it.athlete + " · " + (it.date || "") + " · rep " + it.index;
    $("queue-session").href = it.session_url;
    $("queue-headline").textContent = it.headline.join(" · ");
    var verdict = $("queue-verdict");
    verdict.textContent = it.verdict || "not judged";
    verdict.className = "badge verdict-" + (it.verdict || "none");
    $("queue-score").textContent = fmtScore(it);
    $("queue-joints").textContent = (it.joints.length ? "Deviating: " + it.joints.join(", ") : "") +
      (it.detector ? (it.joints.length ? " · " : "") + "judged by " + it.detector : "");
    $("queue-labelled-by").textContent = it.label ? "by " + (it.labelled_by || "you") : "";
    $("queue-image").src = it.image_url;
    box.setRep(it.id, it);
    if (overlay) overlay.load(it.overlay_url || null);
    var src = new URL(it.video_url, window.location.href).href;
    if (video.src !== src) { video.src = src; }
    else { video.currentTime = it.start_s; }
    var play = video.play();
    if (play && play.catch) play.catch(function () { /* autoplay refused: the loop still seeks */ });
    progress();
  }

  function go(delta) {
    if (advanceTimer) { clearTimeout(advanceTimer); advanceTimer = null; }
    var next = Math.max(0, Math.min(items.length - 1, pos + delta));
    if (next !== pos) { pos = next; render(); }
  }

  // The confirmation stays on screen a moment, then the next rep comes.
  function labelled(rep, repId) {
    items.forEach(function (it) {
      if (String(it.id) === String(repId)) {
        it.label = rep.label; it.faults = rep.faults; it.label_note = rep.label_note; it.labelled_by = rep.labelled_by;
      }
    });
    if (String(items[pos].id) === String(repId)) $("queue-labelled-by").textContent = "by " + (rep.labelled_by || "you");
    progress();
    if (pos < items.length - 1) advanceTimer = setTimeout(function () { advanceTimer = null; go(1); }, 600);
    else box.message("Labelled " + Labels.text(rep) + ". That was the last rep in the queue.", "ok");
  }

  video.addEventListener("loadedmetadata", function () { video.currentTime = items[pos].start_s; });
  video.addEventListener("timeupdate", loopRep);
  $("queue-prev").addEventListener("click", function () { go(-1); });
  $("queue-next").addEventListener("click", function () { go(1); });

  noteInput.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { ev.preventDefault(); noteInput.blur(); }
  });
  document.addEventListener("keydown", function (ev) {
    var tag = (ev.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var key = ev.key.length === 1 ? ev.key.toLowerCase() : ev.key;
    var handled = true;
    if (key === "?") toggleHelp();
    else if (key === "Escape") toggleHelp(false);
    else if (key === "j" || key === "ArrowRight") go(1);
    else if (key === "k" || key === "ArrowLeft") go(-1);
    else if (key === "g") box.submit("good");
    else if (key === "a") box.submit("anomalous");
    else if (key === "n") noteInput.focus();
    else if (key === " ") { if (video.paused) video.play(); else video.pause(); }
    else if (/^[1-7]$/.test(key)) box.toggleNth(parseInt(key, 10) - 1);
    else handled = false;
    if (handled) ev.preventDefault();
  });

  render();
})();
