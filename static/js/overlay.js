/* Draws the analysis (skeleton, rep counter, verdict, bar path) on a canvas over a playing
   original upload, from the per-frame landmarks of a session's overlay JSON.
   window.VideoOverlay.attach(video, canvas, url) returns a drawer: ready, loaded, frames,
   interval, frameAt, timeOf, and load(url) for when the video's src changes (JSON is fetched
   once per URL). The review page's #player/#overlay drawer is window.ReviewOverlay, so
   review.js steps by the file's real frame times; the queue and compare pages attach their own. */
(function () {
  "use strict";

  var COLOURS = { good: "#1f9d55", faults: "#d64545", unusual: "#c98a00", not_judged: "#6b7280" };
  // Stored times are rounded to 0.1 ms; any larger margin would count a clock just before a
  // frame (where the browser still shows the previous one, measured) as that frame.
  var EPS = 0.001;
  var cache = {};  // url -> promise of its JSON
  var drawers = [];
  var visible = true;

  function fetchData(url) {
    if (!cache[url]) {
      cache[url] = fetch(url, { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); });
      cache[url].catch(function () { delete cache[url]; });  // a later load tries again
    }
    return cache[url];
  }

  // The video letterboxes its picture (object-fit contain) inside its box: a canvas placed
  // here covers the picture only (at the screen's density), so coordinates in fractions of the
  // picture map straight onto it. The picture's size in CSS pixels, or null before it is known.
  // Also used by annotations.js for its drawing canvas.
  function fitPicture(video, canvas, fallbackW, fallbackH) {
    var vw = video.videoWidth || fallbackW, vh = video.videoHeight || fallbackH;
    var bw = video.clientWidth, bh = video.clientHeight;
    if (!vw || !vh || !bw || !bh) return null;
    var s = Math.min(bw / vw, bh / vh), w = vw * s, h = vh * s;
    var dpr = window.devicePixelRatio || 1;
    canvas.style.left = video.offsetLeft + (bw - w) / 2 + "px";
    canvas.style.top = video.offsetTop + (bh - h) / 2 + "px";
    canvas.style.width = w + "px";
    canvas.style.height = h + "px";
    var pw = Math.round(w * dpr), ph = Math.round(h * dpr);
    if (canvas.width !== pw || canvas.height !== ph) { canvas.width = pw; canvas.height = ph; }
    return { w: w, h: h, dpr: dpr };
  }

  function attach(video, canvas, url) {
    var ctx = canvas.getContext("2d");
    var data = null, times = [], current = null, generation = 0;
    var box = { w: 0, h: 0, dpr: 1 };  // the displayed picture, in CSS pixels

    // The frame the browser shows at clock t: the last one starting at or before it.
    function frameAt(t) {
      var lo = 0, hi = times.length - 1;
      t += EPS;
      while (lo < hi) {
        var mid = (lo + hi + 1) >> 1;
        if (times[mid] <= t) lo = mid; else hi = mid - 1;
      }
      return lo;
    }
    function timeOf(f) { return times[Math.max(0, Math.min(times.length - 1, f))]; }

    var api = { ready: Promise.resolve(false), loaded: false, frames: 0, interval: 0,
                frameAt: frameAt, timeOf: timeOf, load: load, redraw: redraw };

    function fit() {
      var b = fitPicture(video, canvas, data.width, data.height);
      if (b) box = b;
      return !!b;
    }

    function point(p, k) { return [p[2 * k] / data.scale * box.w, p[2 * k + 1] / data.scale * box.h]; }

    function skeleton(p, unit) {
      ctx.lineWidth = 2 * unit;
      ctx.strokeStyle = "rgba(255, 255, 255, 0.9)";
      ctx.beginPath();
      data.edges.forEach(function (e) {
        var a = point(p, e[0]), b = point(p, e[1]);
        ctx.moveTo(a[0], a[1]);
        ctx.lineTo(b[0], b[1]);
      });
      ctx.stroke();
      ctx.fillStyle = "#ffc800";
      for (var k = 11; k < 33; k++) {  // the body; the face's points only clutter
        var q = point(p, k);
        ctx.beginPath();
        ctx.arc(q[0], q[1], 3 * unit, 0, 2 * Math.PI);
        ctx.fill();
      }
    }

    // The wrists' midpoint from the rep's first frame to now (to its end once it is over);
    // frames without a pose break the line rather than join across the gap.
    function barPath(rep, f, unit) {
      ctx.lineWidth = 2.5 * unit;
      ctx.strokeStyle = "#35c2ff";
      ctx.beginPath();
      var pen = false, last = null;
      for (var i = rep.start_frame; i <= Math.min(f, rep.end_frame); i++) {
        var p = data.points[i];
        if (!p) { pen = false; continue; }
        var a = point(p, 15), b = point(p, 16);
        last = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
        if (pen) ctx.lineTo(last[0], last[1]); else ctx.moveTo(last[0], last[1]);
        pen = true;
      }
      ctx.stroke();
      if (last) {
        ctx.fillStyle = "#35c2ff";
        ctx.beginPath();
        ctx.arc(last[0], last[1], 4 * unit, 0, 2 * Math.PI);
        ctx.fill();
      }
    }

    function textBox(lines, right, colour, fs) {
      var pad = Math.round(fs * 0.5), lineH = Math.round(fs * 1.3);
      var w = Math.max.apply(null, lines.map(function (t) { return ctx.measureText(t).width; })) + 2 * pad;
      var x = right ? box.w - w - pad : pad;
      ctx.fillStyle = colour;
      ctx.fillRect(x, pad, w, lines.length * lineH + pad);
      ctx.fillStyle = "#fff";
      lines.forEach(function (t, i) { ctx.fillText(t, x + pad, pad + (i + 0.5) * lineH + pad / 2); });
      return w + pad;
    }

    function draw(f) {
      ctx.setTransform(box.dpr, 0, 0, box.dpr, 0, 0);
      ctx.clearRect(0, 0, box.w, box.h);
      var started = data.reps.filter(function (r) { return r.start_frame <= f; });
      var rep = started[started.length - 1];
      if (visible) {
        var unit = Math.max(0.6, Math.min(box.w, box.h) / 480);
        var fs = Math.round(Math.max(10, Math.min(16, box.h / 22)));
        var p = data.points[f];
        ctx.lineCap = ctx.lineJoin = "round";
        if (p) skeleton(p, unit);
        if (rep) barPath(rep, f, unit);
        ctx.font = "600 " + fs + "px system-ui, sans-serif";
        ctx.textBaseline = "middle";
        var stage = data.stage[f] ? data.stage[f] + " (" + (data.prob[f] || 0).toFixed(2) + ")" : "–";
        var counter = "Rep " + (rep ? rep.index : 0) + "/" + data.reps.length;
        var used = textBox([counter, "Stage: " + stage], false, "rgba(30, 50, 70, 0.85)", fs);
        if (rep) {
          var line = "Rep " + rep.index + ": " + rep.verdict;
          // On a narrow picture a long verdict goes one clause per line, clear of the left box.
          var lines = ctx.measureText(line).width + fs * 1.5 + used > box.w
            ? ["Rep " + rep.index].concat(rep.verdict.split(/(?<=[:,]) /)) : [line];
          textBox(lines, true, COLOURS[rep.outcome] || COLOURS.not_judged, fs);
        }
      }
      canvas.dataset.frame = String(f);
      canvas.dataset.rep = String(rep ? rep.index : 0);
    }

    function redraw() { if (data && fit()) draw(frameAt(video.currentTime)); }

    // During playback the frame being composited is the one to draw (metadata.mediaTime is its
    // time); currentTime runs ahead of it and, at low rates, between frames.
    var presented = -1, handle = null;
    function onFrame(now, meta) {
      handle = video.requestVideoFrameCallback(onFrame);
      if (!data) return;
      presented = frameAt(meta.mediaTime);
      settle();  // a frame presented just after a pause
      if (box.w) draw(presented);
    }
    // (Re)arms the frame callback; idempotent, so a src change cannot leave it unarmed.
    function watch() {
      if (handle !== null) video.cancelVideoFrameCallback(handle);
      handle = video.requestVideoFrameCallback(onFrame);
    }
    // A paused video keeps the last frame presented, which the clock has often passed or not
    // reached: move the clock a quarter into that frame, so that what is drawn, the timecode and
    // the frame steps all agree with the picture. Not during a seek: that sets its own frame.
    function settle() {
      if (video.paused && !video.seeking && presented >= 0 && presented !== frameAt(video.currentTime)) {
        video.currentTime = timeOf(presented) + api.interval / 4;
      }
    }
    function onTick() {
      redraw();
      if (!video.paused) requestAnimationFrame(onTick);
    }

    function clear() {
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      delete canvas.dataset.frame;
      delete canvas.dataset.rep;
    }

    // Switches to another session's landmarks (nothing drawn until they are in); a later call
    // wins over an earlier one still fetching.
    function load(next) {
      if (next === current) return api.ready;
      var mine = ++generation;
      current = next;
      data = null; times = []; presented = -1;
      api.loaded = false; api.frames = 0; api.interval = 0;
      clear();
      if (!next) return (api.ready = Promise.resolve(false));
      api.ready = fetchData(next).then(function (d) {
        if (mine !== generation) return false;
        data = d;
        // On the played file's clock: its first frame may not be at 0 (d.start_s).
        times = d.times.map(function (t) { return t + (d.start_s || 0); });
        var steps = times.slice(1).map(function (t, i) { return t - times[i]; }).sort(function (a, b) { return a - b; });
        api.interval = steps.length ? steps[steps.length >> 1] : 1 / (d.fps || 30);
        api.frames = times.length;
        api.loaded = true;
        redraw();
        return true;
      }).catch(function () { return false; });  // older analyses keep no landmarks: plain video
      return api.ready;
    }

    ["seeked", "loadeddata", "loadedmetadata"].forEach(function (e) { video.addEventListener(e, redraw); });
    video.addEventListener("emptied", function () { presented = -1; });  // a new src
    video.addEventListener("pause", function () { settle(); redraw(); });
    if ("requestVideoFrameCallback" in video) {
      watch();
      video.addEventListener("play", watch);
      video.addEventListener("loadeddata", watch);
    } else video.addEventListener("play", onTick);
    if (window.ResizeObserver) new ResizeObserver(redraw).observe(video);
    else window.addEventListener("resize", redraw);

    drawers.push(api);
    load(url);
    return api;
  }

  // Hides or shows every drawing, to see the lifter unobstructed (the "o" key: keys.js).
  function toggle() {
    visible = !visible;
    drawers.forEach(function (d) { d.redraw(); });
  }

  window.VideoOverlay = { attach: attach, fitPicture: fitPicture, toggle: toggle };

  var player = document.getElementById("player"), overlay = document.getElementById("overlay");
  if (player && overlay && player.dataset.overlayUrl) {
    window.ReviewOverlay = VideoOverlay.attach(player, overlay, player.dataset.overlayUrl);
  }
})();
