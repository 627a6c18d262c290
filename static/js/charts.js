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

  /* ---- The review page: charts drawn at their element's own width (a viewBox as wide as
     the element, so 12 px text is 12 px on a phone too), redrawn when that width changes. */
  function fit(svg, height) {
    var w = Math.max(200, Math.round(svg.getBoundingClientRect().width) || 480);
    svg.setAttribute("viewBox", "0 0 " + w + " " + height);
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    return { w: w, h: height, l: 46, r: 12, t: 18, b: 24 };
  }

  // Calls draw() again when the element's width changes (a phone turned, a window resized).
  function onWidth(svg, draw) {
    if (!window.ResizeObserver) return window.addEventListener("resize", draw);
    var last = Math.round(svg.getBoundingClientRect().width);
    new ResizeObserver(function () {
      var w = Math.round(svg.getBoundingClientRect().width);
      if (w && w !== last) { last = w; draw(); }
    }).observe(svg);
  }

  /* Score of every rep as a bar, the detector's threshold as a dashed line. */
  function score(svg, data) {
    function draw() {
      var reps = data.reps || [];
      var judged = reps.filter(function (r) { return r.score !== null && r.score !== undefined; });
      var b = fit(svg, judged.length ? 190 : 80);  // a message needs no tall empty box
      if (!reps.length) return message(svg, "No reps");
      if (!judged.length) return message(svg, "Not judged yet: no active detector");
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
        el("text", { x: x + slot * 0.3, y: b.h - 6, "text-anchor": "middle", class: "tick" }, svg,
          (slot > 44 ? "rep " : "") + r.index);
        if (r.threshold !== null && r.threshold !== undefined) {
          el("line", { x1: b.l + slot * i, x2: b.l + slot * (i + 1), y1: sy(r.threshold), y2: sy(r.threshold), class: "threshold" }, svg);
        }
      });
    }
    draw();
    onWidth(svg, draw);
  }

  // The last sample at or before t (the frame the video shows then), or -1 before the first
  // sample or in a hole in them (more than `gap` seconds since the last).
  function sampleAt(ts, t, gap) {
    var lo = 0, hi = ts.length - 1;
    if (!ts.length || t + 0.001 < ts[0]) return -1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (ts[mid] <= t + 0.001) lo = mid; else hi = mid - 1;
    }
    return t - ts[lo] > gap ? -1 : lo;
  }

  function medianStep(ts) {
    var d = ts.slice(1).map(function (t, i) { return t - ts[i]; }).sort(function (a, b) { return a - b; });
    return d.length ? d[d.length >> 1] : 1 / 30;
  }

  // A round step for the time axis, its labels at least `px` pixels apart.
  function timeStep(tmax, width, px) {
    var steps = [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600];
    for (var i = 0; i < steps.length; i++) if (width * steps[i] / tmax >= px) return steps[i];
    return steps[steps.length - 1];
  }

  function clock(s) {
    if (s < 60) return (s % 1 ? s.toFixed(1) : s) + " s";
    var m = Math.floor(s / 60), r = Math.round(s - m * 60);
    return m + ":" + (r < 10 ? "0" : "") + r;
  }

  /* A chart over the set's time: the reps as outcome-coloured bands (lockout dashed), lines
     from spec.series ({cls, t: [seconds], v: [value or null]}; null is a gap), a cursor at
     the video's time (the returned function moves it), a click or tap anywhere on it seeks
     the video there, and spec.readout(t) written into spec.readoutEl for the cursor's time. */
  function timeChart(svg, data, spec, onSeek) {
    var tmax = data.duration_s || 0;
    spec.series.forEach(function (s) { if (s.t.length) tmax = Math.max(tmax, s.t[s.t.length - 1]); });
    (data.reps || []).forEach(function (r) { tmax = Math.max(tmax, (r.band || [])[2] || r.end_s); });
    var b = null, head = null, cursor = 0, shown = null;

    function sx(t) { return b.l + (b.w - b.l - b.r) * t / tmax; }
    function place(t) {
      cursor = t;
      if (head) {
        var x = Math.max(b.l, Math.min(b.w - b.r, sx(t))).toFixed(2);
        head.setAttribute("x1", x);
        head.setAttribute("x2", x);
        head.setAttribute("data-t", t.toFixed(3));
      }
      if (spec.readoutEl && head && onSeek) {
        // [[class, text]...]: each value in its line's colour
        var parts = spec.readout(t), text = parts.map(function (p) { return p[1]; }).join(" · ");
        if (text !== shown) {
          shown = text;
          spec.readoutEl.textContent = "";
          parts.forEach(function (p, i) {
            if (i) spec.readoutEl.appendChild(document.createTextNode(" · "));
            var span = document.createElement("span");
            span.className = p[0];
            span.textContent = p[1];
            spec.readoutEl.appendChild(span);
          });
        }
      }
    }
    var some = spec.series.some(function (s) { return s.v.some(function (v) { return v !== null; }); });
    function draw() {
      b = fit(svg, tmax && some ? spec.height : 70);  // a message needs no tall empty box
      head = null;
      if (!tmax || !some) {
        if (spec.readoutEl) spec.readoutEl.textContent = shown = "";
        return message(svg, spec.empty);
      }
      var sy = function (v) { return b.h - b.b - (b.h - b.t - b.b) * (v - spec.ymin) / (spec.ymax - spec.ymin || 1); };
      axisY(svg, b, spec.ymin, spec.ymax, spec.ticks, spec.fmtY);
      (data.reps || []).forEach(function (r) {
        var band = r.band || [r.start_s, r.lockout_s, r.end_s];
        var x0 = sx(band[0]), w = Math.max(1, sx(band[2]) - x0);
        el("rect", { x: x0, y: b.t, width: w, height: b.h - b.t - b.b,
          class: "band band-" + (r.outcome || "not_judged") }, svg);
        el("line", { x1: sx(band[1]), x2: sx(band[1]), y1: b.t, y2: b.h - b.b, class: "lockout" }, svg);
        el("text", { x: x0 + 2, y: b.t - 5, class: "tick rep-label" }, svg, (w > 44 ? "rep " : "") + r.index);
      });
      spec.series.forEach(function (s) {
        var d = "", pen = false;
        s.v.forEach(function (v, i) {
          if (v === null || v === undefined) { pen = false; return; }  // no pose: a gap
          d += (pen ? "L" : "M") + sx(s.t[i]).toFixed(1) + " " + sy(v).toFixed(1);
          pen = true;
        });
        if (d) el("path", { d: d, class: "line " + s.cls }, svg);
      });
      var step = timeStep(tmax, b.w - b.l - b.r, 56);
      for (var t = 0; t <= tmax + 1e-9; t += step) {
        var edge = sx(t) > b.w - b.r - 16;  // the last label stays inside the chart
        el("text", { x: edge ? b.w - 1 : sx(t), y: b.h - 6, "text-anchor": edge ? "end" : "middle",
          class: "tick" }, svg, clock(t));
      }
      // No video (a playable copy is being made): no cursor and no readout, nothing plays.
      head = el("line", { x1: b.l, x2: b.l, y1: b.t - 2, y2: b.h - b.b + 2,
        class: "playhead" + (onSeek ? "" : " hidden") }, svg);
      // The plot's place and time scale (SVG units are CSS pixels here): for tests.
      svg.setAttribute("data-left", b.l);
      svg.setAttribute("data-width", b.w - b.l - b.r);
      svg.setAttribute("data-tmax", tmax);
      place(cursor);
    }
    draw();
    onWidth(svg, draw);
    // A click, or a tap on a touch screen, anywhere over the chart seeks the video there.
    if (onSeek) {
      svg.addEventListener("click", function (ev) {
        if (!head) return;
        var rect = svg.getBoundingClientRect();
        var x = (ev.clientX - rect.left) * (b.w / rect.width);
        var t = Math.max(0, Math.min(tmax, (x - b.l) / (b.w - b.l - b.r) * tmax));
        place(t);
        onSeek(t);
      });
    }
    return place;
  }

  function deg(v) { return v === null || v === undefined ? "–" : Math.round(v) + "°"; }

  /* The lift's joint angles over the set (data.angle_names: hip, knee and trunk for a
     standing lift, the elbows for a press), the same from any camera: 180° = straight,
     trunk 0° = upright. */
  function angles(svg, data, onSeek, readoutEl) {
    var a = data.angles || { t: [], hip: [], knee: [], trunk: [], elbow: [] };
    var gap = 3 * medianStep(a.t);
    var names = data.angle_names || ["hip", "knee", "trunk"];
    return timeChart(svg, data, {
      height: 230, ymin: 0, ymax: 180, ticks: 4,
      fmtY: function (v) { return Math.round(v) + "°"; },
      series: names.map(function (n) { return { cls: "s-" + n, t: a.t, v: a[n] || [] }; }),
      empty: data.angles ? "No pose found in this video" : "No angles for this analysis",
      readoutEl: readoutEl,
      readout: function (t) {
        var i = sampleAt(a.t, t, gap);
        if (i < 0 || (a[names[0]] || [])[i] == null) return [["muted", "no pose at " + t.toFixed(2) + " s"]];
        return names.map(function (n) { return ["rd-" + n, n + " " + deg(a[n][i])]; });
      }
    }, onSeek);
  }

  /* Bar height over time: the wrists' in standing heights above the ankles, or what the
     lift reads it as (data.bar_unit). */
  function bar(svg, data, onSeek, readoutEl) {
    var pts = data.bar || [];
    var ts = pts.map(function (p) { return p[0]; }), vs = pts.map(function (p) { return p[1]; });
    var ymin = 0, ymax = 1;
    vs.forEach(function (v) { if (v !== null) { ymin = Math.min(ymin, v); ymax = Math.max(ymax, v); } });
    var gap = 3 * medianStep(ts);
    return timeChart(svg, data, {
      height: 190, ymin: ymin, ymax: ymax, ticks: 4,
      fmtY: function (v) { return v.toFixed(2); },
      series: [{ cls: "s-bar", t: ts, v: vs }],
      empty: "No bar height in this report",
      readoutEl: readoutEl,
      readout: function (t) {
        var i = sampleAt(ts, t, gap);
        return [i < 0 || vs[i] === null ? ["muted", "no pose at " + t.toFixed(2) + " s"]
          : ["rd-bar", "bar " + vs[i].toFixed(2) + " " + (data.bar_unit || "standing heights")]];
      }
    }, onSeek);
  }

  /* The review page's charts; the returned function moves every cursor to a time. With a
     video, the cursors follow it on every animation frame while it plays (its timeupdate
     comes only about four times a second). */
  function review(data, onSeek, video) {
    var moves = [];
    var byId = function (id) { return document.getElementById(id); };
    if (byId("angle-chart")) moves.push(angles(byId("angle-chart"), data, onSeek, byId("angle-readout")));
    if (byId("bar-chart")) moves.push(bar(byId("bar-chart"), data, onSeek, byId("bar-readout")));
    if (byId("score-chart")) score(byId("score-chart"), data);
    function move(t) { moves.forEach(function (m) { m(t); }); }
    if (video) {
      var running = false;
      var tick = function () {
        move(video.currentTime);
        running = !video.paused && !video.ended;
        if (running) requestAnimationFrame(tick);
      };
      video.addEventListener("play", function () {
        if (!running) { running = true; requestAnimationFrame(tick); }
      });
    }
    return move;
  }

  /* Athlete progress (the athlete's page): one chart per svg[data-chart], one slot per
     session, oldest to newest. Drawn at the element's own width (one SVG unit = one CSS
     pixel), so axis text keeps its CSS size on a phone instead of shrinking with a viewBox;
     redrawn when the width changes (a phone turned sideways). */
  var PROGRESS_CHARTS = {
    good_share: { kind: "line", from: 0, to: 1, pct: true, empty: "Not judged yet",
      series: [{ key: "good_share", cls: "pg-s1", name: "Good" }] },
    load: { kind: "line", unit: " kg", empty: "No load given with these sets",
      series: [{ key: "load_kg", cls: "pg-s1", name: "Load" }, { key: "e1rm_kg", cls: "pg-s2", name: "Est. 1RM" }] },
    volume: { kind: "bars", from: 0, unit: " kg", empty: "No load given with these sets",
      series: [{ key: "volume_kg", cls: "pg-s1", name: "Volume" }] },
    tempo: { kind: "reps", from: 0, unit: " s", empty: "No tempo measured yet",
      series: [{ key: "concentric_s", cls: "pg-s1", name: "Up" }, { key: "eccentric_s", cls: "pg-s2", name: "Down" }] },
    angles: { kind: "reps", unit: "°", empty: "No angles measured yet",
      series: [{ key: "hip_deg", cls: "pg-s1", name: "Hip" }, { key: "knee_deg", cls: "pg-s2", name: "Knee" },
        { key: "trunk_deg", cls: "pg-s3", name: "Trunk" }] }
  };

  function progressNumber(v) { return typeof v === "number" && isFinite(v); }

  /* A "nice" tick step (1, 2, 2.5 or 5 x 10^k) for about `count` intervals over `span`. */
  function progressStep(span, count) {
    var raw = (span || 1) / count, mag = Math.pow(10, Math.floor(Math.log(raw) / Math.LN10));
    var nice = [1, 2, 2.5, 5, 10].filter(function (m) { return m * mag >= raw; })[0];
    return nice * mag;
  }

  /* The values a chart shows per session: [{session, values: [[repIndex|null, value]]}]. */
  function progressValues(points, spec, s) {
    return points.map(function (p) {
      if (spec.kind !== "reps") return progressNumber(p[s.key]) ? [[null, p[s.key]]] : [];
      return (p.rep_list || []).filter(function (r) { return progressNumber(r[s.key]); })
        .map(function (r) { return [r.index, r[s.key]]; });
    });
  }

  function progressDraw(svg, points, spec) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var perSeries = spec.series.map(function (s) { return progressValues(points, spec, s); });
    var all = [];
    perSeries.forEach(function (sv) { sv.forEach(function (vs) { vs.forEach(function (v) { all.push(v[1]); }); }); });
    var W = Math.max(240, Math.round(svg.getBoundingClientRect().width) || 320);
    var H = !all.length ? 64 : W < 520 ? 190 : 200;  // a chart with nothing to show stays short
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    svg.setAttribute("data-width", W);
    var b = { l: 46, r: 10, t: 12, b: 26 };
    if (!all.length) {
      el("text", { x: W / 2, y: H / 2, "text-anchor": "middle", class: "chart-msg" }, svg, spec.empty);
      return;
    }
    var lo = Math.min.apply(null, all), hi = Math.max.apply(null, all);
    if (spec.from !== undefined) lo = Math.min(lo, spec.from);
    if (spec.to !== undefined) hi = Math.max(hi, spec.to);
    var step = progressStep(hi - lo || Math.abs(hi) || 1, 4);
    lo = Math.floor(lo / step) * step;
    hi = Math.ceil(hi / step) * step;
    if (hi === lo) hi = lo + step;
    var decimals = step >= 1 ? 0 : step >= 0.1 ? 1 : 2;
    var fmt = spec.pct ? function (v) { return Math.round(v * 100) + "%"; }
      : function (v) { return v.toFixed(decimals); };
    var full = spec.pct ? fmt : function (v) { return (Math.round(v * 100) / 100) + spec.unit; };
    var sy = function (v) { return H - b.b - (H - b.t - b.b) * (v - lo) / (hi - lo); };
    for (var v = lo; v <= hi + step / 2; v += step) {
      el("line", { x1: b.l, x2: W - b.r, y1: sy(v), y2: sy(v), class: "grid" }, svg);
      el("text", { x: b.l - 6, y: sy(v) + 4, "text-anchor": "end", class: "tick" }, svg, fmt(v));
    }
    var n = points.length, slot = (W - b.l - b.r) / n;
    var cx = function (i) { return b.l + slot * (i + 0.5); };
    // Session labels under the slots: as many as fit (measured in the font the CSS gives
    // them), always the latest.
    var longest = "";
    points.forEach(function (p) { if (p.label.length > longest.length) longest = p.label; });
    var probe = el("text", { x: 0, y: -20, class: "tick pg-x" }, svg, longest);
    var labelW = probe.getComputedTextLength() || longest.length * 7;
    svg.removeChild(probe);
    var every = Math.max(1, Math.ceil((labelW + 12) / slot));
    points.forEach(function (p, i) {
      if ((n - 1 - i) % every) return;
      var half = labelW / 2, x = cx(i), anchor = "middle";
      if (x - half < 2) { anchor = "start"; x = Math.max(2, x - slot / 2); }
      else if (x + half > W - 2) { anchor = "end"; x = Math.min(W - 2, x + slot / 2); }
      el("text", { x: x, y: H - 8, "text-anchor": anchor, class: "tick pg-x" }, svg, p.label);
    });
    spec.series.forEach(function (s, si) {
      var d = "";
      perSeries[si].forEach(function (vals, i) {
        var p = points[i];
        if (!vals.length) return;
        var open = function () { window.location = p.url; };
        if (spec.kind === "bars") {
          var w = Math.min(40, slot * 0.6), y = sy(vals[0][1]);
          var rect = el("rect", { x: cx(i) - w / 2, y: y, width: w, height: Math.max(1, sy(lo) - y),
            class: "pg-bar " + s.cls }, svg);
          el("title", {}, rect, p.label + ": " + full(vals[0][1]));
          rect.addEventListener("click", open);
          return;
        }
        var mean = 0;
        vals.forEach(function (rv) { mean += rv[1] / vals.length; });
        d += (d ? "L" : "M") + cx(i).toFixed(1) + " " + sy(mean).toFixed(1);
        if (spec.kind === "reps") {  // every rep as a small dot, spread across the slot
          var spread = Math.min(7, slot * 0.6 / Math.max(1, vals.length));
          vals.forEach(function (rv, k) {
            var dot = el("circle", { cx: cx(i) + (k - (vals.length - 1) / 2) * spread, cy: sy(rv[1]), r: 2.6,
              class: "pg-dot " + s.cls }, svg);
            el("title", {}, dot, p.label + " · rep " + rv[0] + ": " + s.name + " " + full(rv[1]));
            dot.addEventListener("click", open);
          });
        } else {
          var c = el("circle", { cx: cx(i), cy: sy(mean), r: 4, class: "point pg-point " + s.cls }, svg);
          var extra = spec.pct ? " (" + p.good + " of " + p.judged + " judged)" : "";
          el("title", {}, c, p.label + ": " + s.name + " " + full(mean) + extra);
          c.addEventListener("click", open);
        }
      });
      if (d) el("path", { d: d, class: "line pg-line " + s.cls }, svg);
    });
  }

  function progress(points) {
    var svgs = Array.prototype.slice.call(document.querySelectorAll("svg[data-chart]"));
    var drawAll = function () {
      svgs.forEach(function (svg) {
        var spec = PROGRESS_CHARTS[svg.getAttribute("data-chart")];
        if (spec) progressDraw(svg, points, spec);
      });
    };
    var measure = function () {
      return svgs.map(function (svg) { return Math.round(svg.getBoundingClientRect().width); }).join();
    };
    drawAll();
    var widths = measure(), pending = false;
    window.addEventListener("resize", function () {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () {  // once per frame, and only when a width changed
        pending = false;
        var now = measure();
        if (now !== widths) { widths = now; drawAll(); }
      });
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

  window.Charts = { score: score, bar: bar, angles: angles, review: review, progress: progress, lines: lines, strips: strips };
})();
