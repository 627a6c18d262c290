/* The review queue: one rep at a time, labelled from the keyboard (labels.js posts). */
(function () {
  "use strict";

  var items = JSON.parse((document.getElementById("queue-data") || {}).textContent || "[]");
  var boxEl = document.getElementById("queue-label-box");
  if (!items.length || !boxEl) return;  // nothing to label: no keys, no "Keys" button

  var $ = function (id) { return document.getElementById(id); };
  var video = $("queue-video");
  // The analysis drawn over the video (overlay.js): the landmarks of the item's session.
  var canvas = $("queue-overlay");
  var overlay = window.VideoOverlay && canvas ? VideoOverlay.attach(video, canvas, null) : null;
  var allChips = Array.prototype.slice.call(boxEl.querySelectorAll("[data-fault]"));
  var noteInput = boxEl.querySelector("[data-label-note]");
  var pos = 0;
  var advanceTimer = null;
  var box = new Labels.Box(boxEl, { onLabelled: labelled, textEl: document.querySelector("[data-testid=queue-coach] [data-label-text]") });

  // A fault's name as the pages say it (its chip's label: "not deep enough", not the id).
  function faultName(value) {
    var chip = allChips.filter(function (c) { return c.dataset.fault === value; })[0];
    return chip ? chip.dataset.faultLabel : value.replace(/_/g, " ");
  }

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
    // The one vocabulary (templates/analysis/_model_vs_coach.html): form check, movement model.
    var check = $("queue-form-check"), faults = it.detected_faults;
    check.textContent = it.not_judged_reason ? "not judged" : faults === null ? "not checked"
      : faults.length ? faults.map(faultName).join(", ") : "no fault";
    check.className = "badge outcome-" + (it.not_judged_reason || faults === null ? "not_judged" : faults.length ? "faults" : "good");
    check.title = it.not_judged_reason || "";
    var verdict = $("queue-verdict");
    verdict.textContent = it.detector_abstained || !it.verdict ? "not judged" : it.verdict === "anomalous" ? "unusual" : "usual";
    verdict.className = "badge outcome-" + (it.verdict === "anomalous" ? "unusual" : it.verdict === "good" ? "good" : "not_judged");
    verdict.title = it.detector_abstained || "";
    $("queue-score").textContent = fmtScore(it);
    $("queue-joints").textContent = (it.joints.length ? "Unusual joints: " + it.joints.join(", ") : "") +
      (it.detector ? (it.joints.length ? " · " : "") + "movement model " + it.detector : "");
    $("queue-labelled-by").textContent = it.label ? "by " + (it.labelled_by || "you") : "";
    $("queue-image").src = it.image_url;
    showChips(it.faults_offered);
    box.setRep(it.id, it);
    if (overlay) overlay.load(it.overlay_url || null);
    var src = new URL(it.video_url, window.location.href).href;
    if (video.src !== src) { video.src = src; }
    else { video.currentTime = it.start_s; }
    var play = video.play();
    if (play && play.catch) play.catch(function () { /* autoplay refused: the loop still seeks */ });
    progress();
  }

  // The fault tags of the rep's lift, numbered for Shift + a number in the order shown.
  function showChips(offered) {
    var n = 0;
    allChips.forEach(function (chip) {
      chip.hidden = !!offered && offered.indexOf(chip.dataset.fault) < 0;
      var kbd = chip.querySelector("kbd");
      if (!chip.hidden) n += 1;
      if (kbd) kbd.textContent = chip.hidden ? "" : Keys.shown("fault", n);
    });
  }

  function go(delta) {
    if (advanceTimer) { clearTimeout(advanceTimer); advanceTimer = null; }
    var next = Math.max(0, Math.min(items.length - 1, pos + delta));
    if (next !== pos) { pos = next; render(); }
  }

  // The confirmation stays on screen a moment, then the next rep comes.
  function labelled(rep, repId, auto) {
    items.forEach(function (it) {
      if (String(it.id) === String(repId)) {
        it.label = rep.label; it.faults = rep.faults; it.label_note = rep.label_note; it.labelled_by = rep.labelled_by;
      }
    });
    if (String(items[pos].id) === String(repId)) $("queue-labelled-by").textContent = "by " + (rep.labelled_by || "you");
    progress();
    if (auto) return;  // a tag or the note saved: the coach is still on this rep
    if (pos < items.length - 1) advanceTimer = setTimeout(function () { advanceTimer = null; go(1); }, 600);
    else box.message("Labelled " + Labels.text(rep) + ". That was the last rep in the queue.", "ok");
  }

  // Playback: the review page's controls, on the rep's loop. Frames from the file's real
  // frame times once overlay.js has them, else at 30 fps (the pipeline's time base).
  var rate = 1;
  function frameLength() { return overlay && overlay.loaded ? overlay.interval : 1 / 30; }
  function toggle() {
    if (!video.paused) { video.pause(); return; }
    var play = video.play();
    if (play && play.catch) play.catch(function () { /* not loaded yet */ });
  }
  function seek(t) {
    var it = items[pos];
    video.pause();
    // Inside the rep (the loop would send anything outside back to its start), and a
    // quarter into the frame, so that frame is the one shown.
    video.currentTime = Math.max(it.start_s, Math.min(it.end_s - frameLength() / 2, t)) + frameLength() / 4;
  }
  function step(n) {
    video.pause();
    if (overlay && overlay.loaded) {
      var f = Math.max(0, Math.min(overlay.frames - 1, overlay.frameAt(video.currentTime) + n));
      var it = items[pos];
      var t = overlay.timeOf(f);
      if (t < it.start_s - 0.05 || t >= it.end_s) return;  // the rep's own frames only
      video.currentTime = t + overlay.interval / 4;
    } else seek(video.currentTime + n * frameLength());
  }
  function setRate(r) {
    rate = r;
    // A new src resets playbackRate to defaultPlaybackRate: set both, so the speed stays
    // from rep to rep.
    video.defaultPlaybackRate = r;
    video.playbackRate = r;
    document.querySelectorAll(".queue-controls [data-rate]").forEach(function (b) {
      var on = parseFloat(b.dataset.rate) === r;
      b.classList.toggle("active", on);
      b.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }
  var playBtn = document.querySelector(".queue-controls [data-act=play]");
  function playLabel() { playBtn.textContent = video.paused ? "▶︎ Play" : "❚❚ Pause"; }
  video.addEventListener("play", playLabel);
  video.addEventListener("pause", playLabel);
  document.querySelectorAll(".queue-controls [data-act]").forEach(function (b) {
    b.addEventListener("click", function () {
      var act = b.dataset.act;
      if (act === "play") toggle();
      else if (act === "back") step(-1);
      else if (act === "forward") step(1);
    });
  });
  document.querySelectorAll(".queue-controls [data-rate]").forEach(function (b) {
    b.addEventListener("click", function () { setRate(parseFloat(b.dataset.rate)); });
  });

  video.addEventListener("loadedmetadata", function () {
    video.currentTime = items[pos].start_s;
    video.playbackRate = rate;
  });
  video.addEventListener("timeupdate", loopRep);
  $("queue-prev").addEventListener("click", function () { go(-1); });
  $("queue-next").addEventListener("click", function () { go(1); });

  noteInput.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { ev.preventDefault(); noteInput.blur(); }
  });

  showChips(items[pos].faults_offered);  // the first rep's lift's tags, for the keys' help
  // Keys from the one map (keys.js): playback as on the review page, [ ] for the reps,
  // the labelling letters, Shift + a number for the fault tags (1 2 3 are the speeds).
  Keys.register({
    play: toggle,
    "frame-back": function () { step(-1); }, "frame-forward": function () { step(1); },
    "back-1s": function () { seek(video.currentTime - 1); },
    "forward-1s": function () { seek(video.currentTime + 1); },
    restart: function () { video.currentTime = items[pos].start_s; },  // playing on, if it was
    "speed-0.25": function () { setRate(0.25); }, "speed-0.5": function () { setRate(0.5); },
    "speed-1": function () { setRate(1); },
    "prev-rep": function () { go(-1); }, "next-rep": function () { go(1); },
    good: function () { box.submit("good"); },
    anomalous: function () { box.submit("anomalous"); },
    fault: {
      run: function (n) { box.toggleNth(n - 1); },
      detail: allChips.filter(function (c) { return !c.hidden; }).map(function (c, i) {
        return Keys.shown("fault", i + 1) + " " + (c.dataset.faultLabel || c.dataset.fault);
      }).join(", ")
    },
    note: function () { noteInput.focus(); },
    drawing: VideoOverlay.toggle
  });

  render();
})();
