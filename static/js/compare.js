/* The compare page: two videos, each looping its own rep with its analysis drawn over it,
   played and paced together. */
(function () {
  "use strict";

  var videos = Array.prototype.slice.call(document.querySelectorAll(".compare-video"));
  var playBtn = document.querySelector("[data-act=play]");
  var rate = 0.5;
  if (!videos.length) return;

  function span(v) { return [parseFloat(v.dataset.start) || 0, parseFloat(v.dataset.end) || v.duration]; }
  function toStart(v) { v.currentTime = span(v)[0]; }
  function playing() { return videos.some(function (v) { return !v.paused; }); }
  function label() { playBtn.textContent = playing() ? "❚❚ Pause both" : "▶︎ Play both"; }

  var drawers = [];
  videos.forEach(function (v) {
    // The analysis drawn over the video (overlay.js), when the rep's session kept landmarks.
    var canvas = v.parentNode.querySelector(".overlay-canvas");
    var drawer = null;
    if (window.VideoOverlay && canvas && v.dataset.overlayUrl) drawer = VideoOverlay.attach(v, canvas, v.dataset.overlayUrl);
    drawers.push(drawer);
    v.addEventListener("loadedmetadata", function () { toStart(v); v.playbackRate = rate; });
    // Loop the rep only: past its end (or before its start), back to its start.
    v.addEventListener("timeupdate", function () {
      var s = span(v);
      if (!v.seeking && (v.currentTime >= s[1] || v.currentTime < s[0] - 0.05)) toStart(v);
    });
    v.addEventListener("play", label);
    v.addEventListener("pause", label);
  });

  function playAll() {
    videos.forEach(function (v) {
      v.playbackRate = rate;
      var p = v.play();
      if (p && p.catch) p.catch(function () { /* not loaded yet: the next click plays */ });
    });
  }
  function toggle() {
    if (playing()) videos.forEach(function (v) { v.pause(); });
    else playAll();
  }
  function restart() {
    var was = playing();
    videos.forEach(function (v) { v.pause(); toStart(v); });
    if (was) playAll();
  }
  // Both videos one frame on or back (each on its own frame times once overlay.js has them,
  // else 30 fps), kept inside their reps: to see frame by frame where the two pulls part.
  function step(n) {
    videos.forEach(function (v, i) {
      var d = drawers[i], s = span(v);
      v.pause();
      var t = d && d.loaded ? d.timeOf(d.frameAt(v.currentTime) + n) + d.interval / 4 : v.currentTime + n / 30;
      if (t >= s[0] - 0.05 && t < s[1]) v.currentTime = t;
    });
  }
  function setRate(r) {
    rate = r;
    videos.forEach(function (v) { v.playbackRate = r; });
    document.querySelectorAll("[data-rate]").forEach(function (b) {
      b.classList.toggle("active", parseFloat(b.dataset.rate) === r);
    });
  }

  playBtn.addEventListener("click", toggle);
  document.querySelector("[data-act=restart]").addEventListener("click", restart);
  document.querySelectorAll("[data-rate]").forEach(function (b) {
    b.addEventListener("click", function () { setRate(parseFloat(b.dataset.rate)); });
  });
  // Keys from the one map (keys.js): the same keys as on the review and queue pages.
  if (window.Keys) Keys.register({
    play: toggle,
    restart: restart,
    "frame-back": function () { step(-1); }, "frame-forward": function () { step(1); },
    "speed-0.25": function () { setRate(0.25); }, "speed-0.5": function () { setRate(0.5); },
    "speed-1": function () { setRate(1); },
    drawing: VideoOverlay.toggle
  });
})();
