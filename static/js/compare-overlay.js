/* The compare page's overlay by phase: this rep's and the reference's skeletons on one
   picture, from the JSON at the canvas's data-url (analysis/selectors/compare_overlay.py:
   each rep in its lifter's own frame, in standing heights from the mid-ankles; both sampled
   on one timeline of the rep's phases, start -> turn -> end, the turn at the middle). A
   scrubber and a play button move both together. The two colours are overlay.js' palette
   (VideoOverlay.palette.compare), also on the legend's swatches. */
(function () {
  "use strict";

  var palette = VideoOverlay.palette.compare;  // overlay.js, loaded before
  document.querySelectorAll("[data-swatch]").forEach(function (el) {
    el.style.backgroundColor = palette[el.dataset.swatch];
  });

  var canvas = document.querySelector("[data-testid=phase-canvas]");
  if (!canvas) return;
  var ctx = canvas.getContext("2d");
  var section = canvas.closest(".compare-overlay");
  var scrubber = section.querySelector("[data-phase=scrubber]");
  var playBtn = section.querySelector("[data-phase=play]");
  var readout = section.querySelector("[data-phase=readout]");
  var message = section.querySelector("[data-phase=message]");
  var SPEED = 0.5;  // played at half the longer rep's own pace, looping
  var data = null, bounds = null, view = null, at = 0, playing = false, lastNow = null;

  function say(text) {
    message.textContent = text;
    message.hidden = false;
    canvas.hidden = true;
    section.querySelector(".phase-controls").hidden = true;
    readout.hidden = true;
  }

  // Both reps' points over every sample: the picture's extent in standing heights.
  function extent() {
    var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = 0;  // the floor (y 0) is always in
    ["a", "b"].forEach(function (k) {
      data[k].points.forEach(function (p) {
        if (!p) return;
        for (var i = 0; i < p.length; i += 2) {
          x0 = Math.min(x0, p[i]); x1 = Math.max(x1, p[i]);
          y0 = Math.min(y0, p[i + 1]); y1 = Math.max(y1, p[i + 1]);
        }
      });
    });
    if (!isFinite(x0)) return null;
    var m = 0.08 * Math.max(x1 - x0, y1 - y0);
    return { x0: x0 - m, x1: x1 + m, y0: y0 - m, y1: y1 + m };
  }

  // The canvas as wide as its column, as tall as the figures need (within the window).
  function fit() {
    var dpr = window.devicePixelRatio || 1;
    var w = canvas.parentNode.clientWidth;
    var aspect = (bounds.y1 - bounds.y0) / (bounds.x1 - bounds.x0);
    // Short enough that the scrubber below it shows too (a phone's screen).
    var h = Math.max(220, Math.min(w * aspect, window.innerHeight * 0.55, 620));
    canvas.style.width = w + "px";
    canvas.style.height = h + "px";
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
    var s = Math.min(w / (bounds.x1 - bounds.x0), h / (bounds.y1 - bounds.y0));
    view = { w: w, h: h, dpr: dpr, s: s,
             ox: (w - (bounds.x1 - bounds.x0) * s) / 2 - bounds.x0 * s,
             oy: h - bounds.y1 * s };  // the figures stand on the canvas's bottom
  }
  function px(x, y) { return [view.ox + x * view.s, view.oy + y * view.s]; }

  // A side's points at a fractional sample: between two samples with a pose, the line
  // between them; else the nearer one with a pose.
  function pointsAt(side, s) {
    var pts = data[side].points, i = Math.floor(s), j = Math.min(i + 1, pts.length - 1), w = s - i;
    var p = pts[i], q = pts[j];
    if (p && q) return p.map(function (v, k) { return v + (q[k] - v) * w; });
    return w < 0.5 ? (p || q) : (q || p);
  }
  function secondsAt(side, s) {
    var t = data[side].seconds, i = Math.floor(s), j = Math.min(i + 1, t.length - 1);
    return t[i] + (t[j] - t[i]) * (s - i);
  }

  function skeleton(p, colour, width) {
    ctx.strokeStyle = ctx.fillStyle = colour;
    ctx.lineWidth = width;
    ctx.beginPath();
    data.edges.forEach(function (e) {
      var a = px(p[2 * e[0]], p[2 * e[0] + 1]), b = px(p[2 * e[1]], p[2 * e[1] + 1]);
      ctx.moveTo(a[0], a[1]);
      ctx.lineTo(b[0], b[1]);
    });
    ctx.stroke();
    var head = px(p[0], p[1]);
    ctx.beginPath();
    ctx.arc(head[0], head[1], width * 2.2, 0, 2 * Math.PI);
    ctx.fill();
    for (var k = 11; k < 33; k++) {
      var q = px(p[2 * k], p[2 * k + 1]);
      ctx.beginPath();
      ctx.arc(q[0], q[1], width * 0.9, 0, 2 * Math.PI);
      ctx.fill();
    }
  }

  // The wrists' midpoint (the bar, held) from the rep's start to now, faint.
  function barTrail(side, s, colour, width) {
    ctx.strokeStyle = colour;
    ctx.globalAlpha = 0.6;
    ctx.lineWidth = width;
    ctx.beginPath();
    var pen = false;
    for (var i = 0; i <= Math.floor(s); i++) {
      var p = data[side].points[i];
      if (!p) { pen = false; continue; }
      var m = px((p[30] + p[32]) / 2, (p[31] + p[33]) / 2);
      if (pen) ctx.lineTo(m[0], m[1]); else ctx.moveTo(m[0], m[1]);
      pen = true;
    }
    ctx.stroke();
    ctx.globalAlpha = 1;
  }

  function phaseText(s) {
    var m = data.markers, turn = m[1].index, last = m[2].index;
    var near = m.filter(function (k) { return Math.abs(s - k.index) < 0.5; })[0];
    if (near) return near === m[0] ? "start (" + near.name + ")" : near === m[2] ? "end (" + near.name + ")" : near.name;
    var from = s < turn ? m[0] : m[1], to = s < turn ? m[1] : m[2];
    var share = s < turn ? s / turn : (s - turn) / (last - turn);
    return from.name + " → " + to.name + " " + Math.round(share * 100) + "%";
  }

  function draw() {
    if (!data || !view) return;
    var s = at * (data.samples - 1);
    ctx.setTransform(view.dpr, 0, 0, view.dpr, 0, 0);
    ctx.fillStyle = palette.background;
    ctx.fillRect(0, 0, view.w, view.h);
    var unit = Math.max(1.5, Math.min(4, view.s / 120));
    // The floor: both lifters' mid-ankles.
    var floor = px(0, 0)[1];
    ctx.strokeStyle = palette.floor;
    ctx.lineWidth = 1;
    ctx.setLineDash([6, 5]);
    ctx.beginPath();
    ctx.moveTo(8, floor);
    ctx.lineTo(view.w - 8, floor);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.lineCap = ctx.lineJoin = "round";
    var drawn = [];
    ["b", "a"].forEach(function (side) {  // the reference under this rep
      barTrail(side, s, palette[side], unit);
      var p = pointsAt(side, s);
      if (!p) return;
      skeleton(p, palette[side], side === "a" ? unit * 1.5 : unit * 1.8);
      drawn.push(side);
    });
    ctx.font = "600 " + Math.round(Math.max(12, Math.min(15, view.w / 32))) + "px system-ui, sans-serif";
    ctx.textBaseline = "top";
    ctx.fillStyle = palette.text;
    ctx.fillText(phaseText(s), 10, 10);
    canvas.dataset.sample = String(Math.round(s));
    canvas.dataset.drawn = drawn.sort().join(",");
    readout.textContent = phaseText(s) + " · this rep " + secondsAt("a", s).toFixed(2) + " s, reference " +
      secondsAt("b", s).toFixed(2) + " s into the rep" + (data.b.mirrored ? " · reference mirrored to face the same way" : "");
  }

  function setAt(value) {
    at = Math.max(0, Math.min(1, value));
    scrubber.value = String(Math.round(at * 1000));
    draw();
  }
  function label() { playBtn.textContent = playing ? "❚❚ Pause" : "▶︎ Play"; }
  function tick(now) {
    if (!playing) return;
    var span = Math.max(data.a.seconds[data.samples - 1], data.b.seconds[data.samples - 1], 0.5) / SPEED;
    if (lastNow !== null) {
      var next = at + (now - lastNow) / 1000 / span;
      setAt(next >= 1 ? next - 1 : next);
    }
    lastNow = now;
    requestAnimationFrame(tick);
  }
  function toggle() {
    playing = !playing;
    lastNow = null;
    label();
    if (playing) requestAnimationFrame(tick);
  }

  scrubber.addEventListener("input", function () {
    if (playing) toggle();
    setAt(parseInt(scrubber.value, 10) / 1000);
  });
  playBtn.addEventListener("click", toggle);

  fetch(canvas.dataset.url, { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(function (d) {
      data = d;
      bounds = extent();
      if (!bounds) { say("Neither rep kept a pose to draw."); return; }
      var marks = section.querySelectorAll("[data-phase=marks] span");
      d.markers.forEach(function (m, i) { if (marks[i]) marks[i].textContent = m.name; });
      fit();
      setAt(0);
      if (window.ResizeObserver) new ResizeObserver(function () { fit(); draw(); }).observe(canvas.parentNode);
      else window.addEventListener("resize", function () { fit(); draw(); });
    })
    .catch(function () { say("The overlay could not be loaded: a rep may keep no pose per frame (older analyses)."); });
})();
