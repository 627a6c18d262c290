/* The review page: status polling, frame-accurate playback, rep list, timed comments,
   rep-count corrections (candidate markers on the scrubber, the move form's frames). */
(function () {
  "use strict";

  // While the analysis runs: poll its status, show progress, reload when it ends.
  var card = document.getElementById("status-card");
  var fill = document.getElementById("progress-fill");
  // The bar's width is set here, not in a style attribute (the CSP allows none).
  if (fill) fill.style.width = (parseFloat(fill.dataset.progress) || 0) + "%";
  if (card && card.dataset.status !== "failed") {
    var poll = function () {
      fetch(card.dataset.statusUrl, { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.json(); })
        .then(function (s) {
          document.getElementById("status-badge").textContent = s.status;
          document.getElementById("status-badge").className = "badge status-" + s.status;
          fill.style.width = s.progress + "%";
          document.getElementById("progress-text").textContent = Math.round(s.progress);
          if (s.status === "running") document.getElementById("status-title").textContent = "Analysing…";
          if (s.status === "done" || s.status === "failed") window.location.reload();
          else setTimeout(poll, 1000);
        })
        .catch(function () { setTimeout(poll, 3000); });
    };
    setTimeout(poll, 700);
  }

  var video = document.getElementById("player");
  var chartData = JSON.parse((document.getElementById("chart-data") || {}).textContent || "{}");
  if (!video) {  // no video yet (a playable copy is being made): the charts still show
    Charts.review(chartData, null);  // no cursor, no seeking: there is nothing to play
    return;
  }

  var fps = parseFloat(video.dataset.fps) || 30;
  var frame = 1 / fps;
  var reps = chartData.reps || [];
  var playBtn = document.querySelector("[data-act=play]");
  var timecode = document.getElementById("timecode");
  var scrubber = document.getElementById("scrubber");

  function fmt(t) {
    var m = Math.floor(t / 60), s = t - m * 60;
    return m + ":" + (s < 10 ? "0" : "") + s.toFixed(2);
  }
  function seek(t) {
    video.pause();
    // Land inside the frame, not on its edge, so the shown frame is the intended one.
    video.currentTime = Math.max(0, Math.min((video.duration || t + 1) - frame / 2, t + frame / 4));
  }
  // The file's real frame times once overlay.js has them (variable frame rates too),
  // else frames at the nominal rate.
  function overlay() { return window.ReviewOverlay && window.ReviewOverlay.loaded ? window.ReviewOverlay : null; }
  function frameNow() {
    var o = overlay();
    return o ? o.frameAt(video.currentTime) : Math.round(video.currentTime * fps);
  }
  function step(n) {
    video.pause();
    var o = overlay(), f = frameNow() + n;
    if (!o) { video.currentTime = Math.max(0, f / fps + frame / 4); return; }
    // A quarter into the target frame: clear of both edges, so that frame is the one shown.
    f = Math.max(0, Math.min(o.frames - 1, f));
    video.currentTime = Math.min(o.timeOf(f) + o.interval / 4, video.duration || Infinity);
  }
  function setRate(rate) {
    video.playbackRate = rate;
    document.querySelectorAll("[data-rate]").forEach(function (b) {
      b.classList.toggle("active", parseFloat(b.dataset.rate) === rate);
    });
  }
  function currentRep() {
    var t = video.currentTime;
    for (var i = 0; i < reps.length; i++) if (t >= reps[i].start_s && t <= reps[i].end_s) return i;
    return -1;
  }
  function jumpRep(dir) {
    var t = video.currentTime, target = null;
    if (dir > 0) { for (var i = 0; i < reps.length; i++) if (reps[i].start_s > t + 0.05) { target = reps[i]; break; } }
    else { for (var j = reps.length - 1; j >= 0; j--) if (reps[j].start_s < t - 0.3) { target = reps[j]; break; } }
    if (target) seek(target.start_s);
  }
  function toggle() { if (video.paused) video.play(); else video.pause(); }

  // Angle, bar height and score charts; their cursors follow playback (charts.js).
  var moveHead = Charts.review(chartData, seek, video);

  function update() {
    var t = video.currentTime;
    timecode.textContent = fmt(t) + " · frame " + frameNow() + " · " + video.playbackRate + "×";
    if (video.duration) scrubber.value = Math.round(1000 * t / video.duration);
    if (moveHead) moveHead(t);
    var idx = currentRep();
    document.querySelectorAll(".rep-item").forEach(function (b, i) { b.classList.toggle("current", i === idx); });
  }
  video.addEventListener("timeupdate", update);
  video.addEventListener("seeked", update);
  video.addEventListener("loadedmetadata", update);
  video.addEventListener("ratechange", update);
  video.addEventListener("play", function () { playBtn.textContent = "❚❚ Pause"; });
  video.addEventListener("pause", function () { playBtn.textContent = "▶︎ Play"; });
  video.addEventListener("click", toggle);
  scrubber.addEventListener("input", function () {
    if (video.duration) video.currentTime = video.duration * scrubber.value / 1000;
  });

  document.querySelectorAll("[data-act]").forEach(function (b) {
    b.addEventListener("click", function () {
      var act = b.dataset.act;
      if (act === "play") toggle();
      else if (act === "back") step(-1);
      else if (act === "forward") step(1);
      else if (act === "prev-rep") jumpRep(-1);
      else if (act === "next-rep") jumpRep(1);
    });
  });
  document.querySelectorAll("[data-rate]").forEach(function (b) {
    b.addEventListener("click", function () { setRate(parseFloat(b.dataset.rate)); });
  });
  // Anything with data-seek (rep list, rep cards, timed comments, score bars) seeks there.
  document.addEventListener("click", function (ev) {
    var target = ev.target.closest("[data-seek]");
    if (!target) return;
    ev.preventDefault();
    seek(parseFloat(target.getAttribute("data-seek")));
    video.scrollIntoView({ behavior: "smooth", block: "nearest" });
  });

  // Keys from the one map (keys.js): the same keys as on the queue and compare pages.
  if (window.Keys) Keys.register({
    play: toggle,
    "frame-back": function () { step(-1); }, "frame-forward": function () { step(1); },
    "back-1s": function () { seek(video.currentTime - 1); },
    "forward-1s": function () { seek(video.currentTime + 1); },
    "prev-rep": function () { jumpRep(-1); }, "next-rep": function () { jumpRep(1); },
    "speed-0.25": function () { setRate(0.25); }, "speed-0.5": function () { setRate(0.5); },
    "speed-1": function () { setRate(1); },
    drawing: VideoOverlay.toggle
  });

  // Comments: pin to the current video time; "comment on this rep" preselects the rep.
  var pin = document.getElementById("pin-time");
  var timeInput = document.getElementById("comment-time");
  var repSelect = document.getElementById("comment-rep");
  var body = document.querySelector("#comment-form textarea");
  if (pin && timeInput) {
    pin.addEventListener("change", function () {
      timeInput.value = pin.checked ? video.currentTime.toFixed(2) : "";
    });
    video.addEventListener("pause", function () { if (pin.checked) timeInput.value = video.currentTime.toFixed(2); });
    video.addEventListener("seeked", function () { if (pin.checked) timeInput.value = video.currentTime.toFixed(2); });
  }
  document.querySelectorAll("[data-comment-rep]").forEach(function (b) {
    b.addEventListener("click", function () {
      repSelect.value = b.dataset.commentRep;
      if (pin && !pin.checked) { pin.checked = true; timeInput.value = video.currentTime.toFixed(2); }
      body.focus();
      document.getElementById("comments").scrollIntoView({ behavior: "smooth" });
    });
  });
  // Candidates (rises not counted) as markers on the scrubber; positions set here, since
  // the CSP allows no style attribute.
  var markers = document.querySelectorAll(".timeline-marker[data-at]");
  function placeMarkers() {
    var duration = parseFloat(chartData.duration_s) || video.duration;
    if (!duration) return;
    markers.forEach(function (m) {
      var at = Math.max(0, Math.min(1, parseFloat(m.dataset.at) / duration));
      m.style.left = (100 * at).toFixed(2) + "%";
    });
  }
  if (markers.length) {
    placeMarkers();
    video.addEventListener("loadedmetadata", placeMarkers);
  }

  // Moving a rep: each frame number shows its time; "now" takes the video's current frame.
  document.querySelectorAll(".move-form").forEach(function (form) {
    var formFps = parseFloat(form.dataset.fps) || fps;
    form.querySelectorAll("label").forEach(function (label) {
      var input = label.querySelector(".frame-input");
      var shown = label.querySelector(".frame-s");
      var now = label.querySelector("[data-frame-now]");
      if (!input || !shown) return;
      input.addEventListener("input", function () {
        var f = parseInt(input.value, 10);
        shown.textContent = isNaN(f) ? "" : (f / formFps).toFixed(2) + " s";
      });
      if (now) now.addEventListener("click", function () {
        input.value = frameNow();
        input.dispatchEvent(new Event("input"));
      });
    });
  });
  update();
  if (window.ReviewOverlay) window.ReviewOverlay.ready.then(update);  // real frame numbers
})();
