/* Small inline-SVG charts: no library, no network. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";

  function el(name, attrs, parent, text) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }

  function box(svg) {
    var vb = svg.viewBox.baseVal;
    return { w: vb.width, h: vb.height, l: 38, r: 10, t: 12, b: 26 };
  }

  function message(svg, text) {
    var b = box(svg);
    el("text", { x: b.w / 2, y: b.h / 2, "text-anchor": "middle", class: "chart-msg" }, svg, text);
  }

  function axisY(svg, b, min, max, ticks, fmt) {
    for (var i = 0; i <= ticks; i++) {
      var v = min + (max - min) * i / ticks;
      var y = b.h - b.b - (b.h - b.t - b.b) * i / ticks;
      el("line", { x1: b.l, x2: b.w - b.r, y1: y, y2: y, class: "grid" }, svg);
      el("text", { x: b.l - 5, y: y + 3, "text-anchor": "end", class: "tick" }, svg, fmt(v));
    }
  }

  /* Score of every rep as a bar, the detector's threshold as a dashed line. */
  function score(svg, data) {
    var reps = data.reps || [];
    var judged = reps.filter(function (r) { return r.score !== null && r.score !== undefined; });
    if (!reps.length) return message(svg, "No reps");
    if (!judged.length) return message(svg, "Not judged yet: no active detector");
    var b = box(svg);
    var max = 1;
    judged.forEach(function (r) { max = Math.max(max, r.score, r.threshold || 0); });
    axisY(svg, b, 0, max, 4, function (v) { return v.toFixed(2); });
    var slot = (b.w - b.l - b.r) / reps.length;
    var sy = function (v) { return b.h - b.b - (b.h - b.t - b.b) * v / max; };
    reps.forEach(function (r, i) {
      var x = b.l + slot * i + slot * 0.2;
      if (r.score !== null && r.score !== undefined) {
        var h = Math.max(3, sy(0) - sy(r.score));  // a near-zero score still shows as a sliver
        var rect = el("rect", { x: x, y: sy(0) - h, width: slot * 0.6, height: h,
          class: "bar-" + (r.verdict || "none"), "data-seek": r.start_s }, svg);
        el("title", {}, rect, "Rep " + r.index + ": " + r.score.toFixed(3) + " (" + r.verdict + ")");
      }
      el("text", { x: x + slot * 0.3, y: b.h - 8, "text-anchor": "middle", class: "tick" }, svg, r.index);
      if (r.threshold !== null && r.threshold !== undefined) {
        el("line", { x1: b.l + slot * i, x2: b.l + slot * (i + 1), y1: sy(r.threshold), y2: sy(r.threshold), class: "threshold" }, svg);
      }
    });
  }

  /* Bar (wrist) height over time, rep boundaries as shaded bands, a playhead. */
  function bar(svg, data, onSeek) {
    var points = (data.bar || []).filter(function (p) { return p[1] !== null; });
    var b = box(svg);
    var tmax = data.duration_s || 0;
    (data.bar || []).forEach(function (p) { tmax = Math.max(tmax, p[0]); });
    (data.reps || []).forEach(function (r) { tmax = Math.max(tmax, r.end_s); });
    if (!tmax) return message(svg, "No bar height in this report");
    var ymin = 0, ymax = 1;
    points.forEach(function (p) { ymin = Math.min(ymin, p[1]); ymax = Math.max(ymax, p[1]); });
    var sx = function (t) { return b.l + (b.w - b.l - b.r) * t / tmax; };
    var sy = function (v) { return b.h - b.b - (b.h - b.t - b.b) * (v - ymin) / (ymax - ymin || 1); };
    axisY(svg, b, ymin, ymax, 4, function (v) { return v.toFixed(1); });
    (data.reps || []).forEach(function (r) {
      el("rect", { x: sx(r.start_s), y: b.t, width: Math.max(1, sx(r.end_s) - sx(r.start_s)), height: b.h - b.t - b.b,
        class: "band band-" + (r.outcome || "not_judged") }, svg);
      el("line", { x1: sx(r.lockout_s), x2: sx(r.lockout_s), y1: b.t, y2: b.h - b.b, class: "lockout" }, svg);
      el("text", { x: sx(r.start_s) + 3, y: b.t + 10, class: "tick" }, svg, "rep " + r.index);
    });
    var d = "", pen = false;
    (data.bar || []).forEach(function (p) {
      if (p[1] === null) { pen = false; return; }
      d += (pen ? "L" : "M") + sx(p[0]).toFixed(1) + " " + sy(p[1]).toFixed(1);
      pen = true;
    });
    if (d) el("path", { d: d, class: "line" }, svg);
    else message(svg, "No bar height in this report");
    for (var s = 0; s <= tmax; s += Math.max(1, Math.round(tmax / 8))) {
      el("text", { x: sx(s), y: b.h - 8, "text-anchor": "middle", class: "tick" }, svg, s + " s");
    }
    var head = el("line", { x1: b.l, x2: b.l, y1: b.t, y2: b.h - b.b, class: "playhead" }, svg);
    if (onSeek) {
      svg.addEventListener("click", function (ev) {
        var rect = svg.getBoundingClientRect();
        var x = (ev.clientX - rect.left) * (b.w / rect.width);
        onSeek(Math.max(0, Math.min(tmax, (x - b.l) / (b.w - b.l - b.r) * tmax)));
      });
    }
    return function (t) { head.setAttribute("x1", sx(t)); head.setAttribute("x2", sx(t)); };
  }

  /* Athlete progress: one small line chart per measure, one point per session. */
  function progress(points) {
    document.querySelectorAll("svg[data-chart]").forEach(function (svg) {
      var key = svg.getAttribute("data-chart");
      var pts = points.filter(function (p) { return p[key] !== null && p[key] !== undefined; });
      if (!pts.length) return message(svg, key === "good_share" ? "Not judged yet" : "No data yet");
      var b = box(svg);
      var max = key === "good_share" ? 1 : 0, min = 0;
      pts.forEach(function (p) { max = Math.max(max, p[key]); });
      max = max || 1;
      var fmt = key === "good_share" ? function (v) { return Math.round(v * 100) + "%"; } : function (v) { return v.toFixed(1); };
      axisY(svg, b, min, max, 4, fmt);
      var n = points.length;
      var sx = function (i) { return n === 1 ? (b.l + b.w - b.r) / 2 : b.l + 8 + (b.w - b.l - b.r - 16) * i / (n - 1); };
      var sy = function (v) { return b.h - b.b - (b.h - b.t - b.b) * (v - min) / (max - min); };
      var d = "";
      points.forEach(function (p, i) {
        if (p[key] === null || p[key] === undefined) return;
        d += (d ? "L" : "M") + sx(i).toFixed(1) + " " + sy(p[key]).toFixed(1);
        var c = el("circle", { cx: sx(i), cy: sy(p[key]), r: 3.5, class: "point" }, svg);
        el("title", {}, c, p.date + ": " + fmt(p[key]) + (p.load_kg ? " @ " + p.load_kg + " kg" : ""));
        c.addEventListener("click", function () { window.location = "/sessions/" + p.session_id + "/"; });
      });
      el("path", { d: d, class: "line" }, svg);
      el("text", { x: sx(0), y: b.h - 8, "text-anchor": "start", class: "tick" }, svg, points[0].date);
      if (n > 1) el("text", { x: sx(n - 1), y: b.h - 8, "text-anchor": "end", class: "tick" }, svg, points[n - 1].date);
    });
  }

  /* Lines over epochs (training loss against validation loss); series: [{name, cls, points: [[x, y]]}]. */
  function lines(svg, series, opts) {
    opts = opts || {};
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var all = [];
    series.forEach(function (s) { s.points.forEach(function (p) { if (p[1] !== null && p[1] !== undefined) all.push(p); }); });
    if (!all.length) return message(svg, opts.empty || "No data yet");
    var b = box(svg);
    var xmax = opts.xmax || 1, ymax = 0, ymin = Infinity;
    all.forEach(function (p) { xmax = Math.max(xmax, p[0]); ymax = Math.max(ymax, p[1]); ymin = Math.min(ymin, p[1]); });
    ymin = Math.max(0, ymin - (ymax - ymin) * 0.1);
    if (ymax === ymin) ymax = ymin + 1;
    var xmin = opts.xmin === undefined ? 1 : opts.xmin;
    var sx = function (x) { return b.l + (b.w - b.l - b.r) * (xmax === xmin ? 0.5 : (x - xmin) / (xmax - xmin)); };
    var sy = function (v) { return b.h - b.b - (b.h - b.t - b.b) * (v - ymin) / (ymax - ymin); };
    axisY(svg, b, ymin, ymax, 4, function (v) { return v < 0.01 ? v.toExponential(1) : v.toFixed(3); });
    var step = Math.max(1, Math.ceil((xmax - xmin) / 8));
    for (var x = xmin; x <= xmax; x += step) {
      el("text", { x: sx(x), y: b.h - 8, "text-anchor": "middle", class: "tick" }, svg, x);
    }
    series.forEach(function (s, i) {
      var d = "";
      s.points.forEach(function (p) {
        if (p[1] === null || p[1] === undefined) return;
        d += (d ? "L" : "M") + sx(p[0]).toFixed(1) + " " + sy(p[1]).toFixed(1);
        el("circle", { cx: sx(p[0]), cy: sy(p[1]), r: 2.2, class: "point " + s.cls }, svg);
      });
      if (d) el("path", { d: d, class: "line " + s.cls }, svg);
      var lx = b.w - b.r - 130 + i * 68;
      el("line", { x1: lx, x2: lx + 14, y1: b.t + 4, y2: b.t + 4, class: "line " + s.cls }, svg);
      el("text", { x: lx + 18, y: b.t + 7, class: "tick" }, svg, s.name);
    });
  }

  /* Held-out scores as a strip plot, one row per true class, with the decision threshold. */
  function strips(svg, groups, threshold) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var b = box(svg);
    b.l = 92;
    var all = [];
    groups.forEach(function (g) { all = all.concat(g.values); });
    if (!all.length) return message(svg, "No held-out scores");
    var xmax = Math.max(1, threshold || 0), xmin = 0;
    all.forEach(function (v) { xmax = Math.max(xmax, v); xmin = Math.min(xmin, v); });
    var sx = function (v) { return b.l + (b.w - b.l - b.r) * (v - xmin) / (xmax - xmin); };
    var rowH = (b.h - b.t - b.b) / groups.length;
    for (var t = 0; t <= 4; t++) {
      var v = xmin + (xmax - xmin) * t / 4;
      el("line", { x1: sx(v), x2: sx(v), y1: b.t, y2: b.h - b.b, class: "grid" }, svg);
      el("text", { x: sx(v), y: b.h - 8, "text-anchor": "middle", class: "tick" }, svg, v.toFixed(2));
    }
    groups.forEach(function (g, i) {
      var mid = b.t + rowH * (i + 0.5);
      el("text", { x: b.l - 8, y: mid + 3, "text-anchor": "end", class: "tick" }, svg, g.name + " (" + g.values.length + ")");
      g.values.forEach(function (v, j) {
        // Deterministic jitter: the same data draws the same picture.
        var jitter = ((j * 37) % 11 - 5) / 5 * rowH * 0.28;
        var c = el("circle", { cx: sx(v), cy: mid + jitter, r: 3.2, class: "dot-" + g.cls }, svg);
        el("title", {}, c, g.name + ": " + v.toFixed(3));
      });
    });
    if (threshold !== null && threshold !== undefined) {
      el("line", { x1: sx(threshold), x2: sx(threshold), y1: b.t - 4, y2: b.h - b.b, class: "threshold" }, svg);
      el("text", { x: sx(threshold) + 4, y: b.t + 6, class: "tick" }, svg, "threshold " + threshold);
    }
  }

  window.Charts = { score: score, bar: bar, progress: progress, lines: lines, strips: strips };
})();
