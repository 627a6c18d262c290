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

  videos.forEach(function (v) {
    // The analysis drawn over the video (overlay.js), when the rep's session kept landmarks.
    var canvas = v.parentNode.querySelector(".overlay-canvas");
    if (window.VideoOverlay && canvas && v.dataset.overlayUrl) VideoOverlay.attach(v, canvas, v.dataset.overlayUrl);
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
  document.addEventListener("keydown", function (ev) {
    if (ev.target.closest("input, select, textarea")) return;
    if (ev.key === " ") { ev.preventDefault(); toggle(); }
    else if (ev.key === "r") restart();
    else if (ev.key === "1") setRate(0.25);
    else if (ev.key === "2") setRate(0.5);
    else if (ev.key === "3") setRate(1);
  });
})();
