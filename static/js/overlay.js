/* Draws the analysis (skeleton, rep counter, verdict, bar path) on a canvas over a playing
   original upload, from the per-frame landmarks of a session's overlay JSON.
   window.VideoOverlay.attach(video, canvas, url) returns a drawer: ready, loaded, frames,
   interval, frameAt, timeOf, and load(url) for when the video's src changes (JSON is fetched
   once per URL). The review page's #player/#overlay drawer is window.ReviewOverlay, so
   review.js steps by the file's real frame times; the queue and compare pages attach their own. */
(function () {
  "use strict";

  // The one home of the colours drawn over and beside the video (VideoOverlay.palette): the
  // skeleton (white bones, yellow joints), the bar path (sky blue), the boxes (outcome
  // colours, the counter's slate); a coach's drawing (annotations.js' default) in magenta,
  // which none of those is; the compare page's two reps (compare-overlay.js), orange and
  // blue, told apart also by people who do not tell red from green.
  var PALETTE = {
    bones: "rgba(255, 255, 255, 0.9)", joints: "#ffc800", bar: "#35c2ff",
    counter: "rgba(30, 50, 70, 0.85)",
    outcomes: { good: "#1f9d55", faults: "#d64545", unusual: "#c98a00", not_judged: "#6b7280" },
    drawing: "#ff2bd6",
    compare: { a: "#ff8a1f", b: "#3fb6ff", background: "#111827", floor: "rgba(255, 255, 255, 0.35)",
               text: "#e5e7eb" }
  };
  var COLOURS = PALETTE.outcomes;
  // Label boxes keep this far (CSS px) from the head and from each other.
  var LABEL_GAP = 4;
  var FACE = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];  // nose, eyes, ears, mouth
  var BODY = [11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32];
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

  // --- where labels go (pure: boxes {x, y, w, h} in, boxes out; VideoOverlay exports them,
  // annotations.js places its angles' degrees with them, tests call them) ---------------------
  function overlaps(a, b, gap) {
    gap = gap || 0;
    return a.x < b.x + b.w + gap && b.x < a.x + a.w + gap && a.y < b.y + b.h + gap && b.y < a.y + a.h + gap;
  }
  function overlapArea(a, b) {
    var w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
    var h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
    return w > 0 && h > 0 ? w * h : 0;
  }

  // Greedy: each label in turn takes its first candidate (in its order of preference) that
  // covers neither a `blocked` box (the head) nor a label placed before it, nor an `avoid` box
  // (the body) when one does not; with none clear, the one covering the least of them. Each
  // candidate is a box (with anything else it carries, e.g. its lines); returns the chosen.
  function placeLabels(labels, blocked, avoid, gap) {
    var placed = [];
    gap = gap === undefined ? LABEL_GAP : gap;
    labels.forEach(function (candidates) {
      var hard = (blocked || []).concat(placed);
      function clear(c, list) { return list.every(function (o) { return !overlaps(c, o, gap); }); }
      var pick = candidates.filter(function (c) { return clear(c, hard) && clear(c, avoid || []); })[0] ||
                 candidates.filter(function (c) { return clear(c, hard); })[0];
      if (!pick) {
        var least = Infinity;
        candidates.forEach(function (c) {
          var covered = hard.reduce(function (sum, o) { return sum + overlapArea(c, o); }, 0);
          if (covered < least) { least = covered; pick = c; }
        });
      }
      placed.push(pick);
    });
    return placed;
  }

  // Where a w x h box may go in an area (w, h) inside `pad`, in order of preference: the
  // corners of the top (`side` "left" or "right" first), along the top edge from that side,
  // the bottom's corners and edge, then down the sides.
  function edgeSlots(w, h, area, pad, side) {
    var L = pad, R = area.w - w - pad, T = pad, B = area.h - h - pad;
    if (R < L || B < T) return [{ x: Math.max(0, L), y: Math.max(0, T), w: w, h: h }];
    var step = Math.max(4, Math.round(h / 2)), xs = [], ys = [];
    for (var x = L; x <= R; x += step) xs.push(x);
    for (var y = T; y <= B; y += step) ys.push(y);
    var near = side === "right" ? R : L, far = side === "right" ? L : R;
    if (side === "right") xs.reverse();
    var out = [[near, T], [far, T]]
      .concat(xs.map(function (x) { return [x, T]; }))
      .concat([[near, B], [far, B]])
      .concat(xs.map(function (x) { return [x, B]; }))
      .concat(ys.map(function (y) { return [near, y]; }))
      .concat(ys.map(function (y) { return [far, y]; }));
    return out.map(function (p) { return { x: p[0], y: p[1], w: w, h: h }; });
  }

  // The bounding box of points (pairs of CSS px), grown by `grow` [left, top, right, bottom].
  function boundsOf(pts, grow) {
    var xs = pts.map(function (q) { return q[0]; }), ys = pts.map(function (q) { return q[1]; });
    var x0 = Math.min.apply(null, xs), y0 = Math.min.apply(null, ys);
    var x1 = Math.max.apply(null, xs), y1 = Math.max.apply(null, ys);
    return { x: x0 - grow[0], y: y0 - grow[1], w: x1 - x0 + grow[0] + grow[2], h: y1 - y0 + grow[1] + grow[3] };
  }
  // The head from the face's landmarks (nose, eyes, ears, mouth: 0-10), as CSS px pairs: the
  // face's box grown to the skull (above the eyes by 1.2 of the face's size, half a face to
  // the sides, 0.6 below the mouth for the chin) and a margin.
  function headBox(face, margin) {
    var b = boundsOf(face, [0, 0, 0, 0]), d = Math.max(b.w, b.h, 8);
    margin = margin === undefined ? 6 : margin;
    return boundsOf(face, [0.5 * d + margin, 1.2 * d + margin, 0.5 * d + margin, 0.6 * d + margin]);
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

    // layout: the head's box and the labels' boxes of the last frame drawn, in CSS px of the
    // picture (annotations.js keeps its own labels off them).
    var api = { ready: Promise.resolve(false), loaded: false, frames: 0, interval: 0,
                frameAt: frameAt, timeOf: timeOf, load: load, redraw: redraw,
                layout: { head: null, labels: [] } };

    function fit() {
      var b = fitPicture(video, canvas, data.width, data.height);
      if (b) box = b;
      return !!b;
    }

    function point(p, k) { return [p[2 * k] / data.scale * box.w, p[2 * k + 1] / data.scale * box.h]; }

    function skeleton(p, unit) {
      ctx.lineWidth = 2 * unit;
      ctx.strokeStyle = PALETTE.bones;
      ctx.beginPath();
      data.edges.forEach(function (e) {
        var a = point(p, e[0]), b = point(p, e[1]);
        ctx.moveTo(a[0], a[1]);
        ctx.lineTo(b[0], b[1]);
      });
      ctx.stroke();
      ctx.fillStyle = PALETTE.joints;
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
      ctx.strokeStyle = PALETTE.bar;
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
        ctx.fillStyle = PALETTE.bar;
        ctx.beginPath();
        ctx.arc(last[0], last[1], 4 * unit, 0, 2 * Math.PI);
        ctx.fill();
      }
    }

    // A label's candidate boxes (edgeSlots) for each way of breaking its text into `layouts`
    // (lists of lines), all the first layout's of a group of places before the next layout's.
    function labelSlots(layouts, side, fs) {
      var pad = Math.round(fs * 0.5), lineH = Math.round(fs * 1.3);
      var each = layouts.map(function (lines) {
        var w = Math.max.apply(null, lines.map(function (t) { return ctx.measureText(t).width; })) + 2 * pad;
        return edgeSlots(w, lines.length * lineH + pad, box, pad, side).map(function (c) {
          c.lines = lines;
          return c;
        });
      });
      var out = [];
      var longest = Math.max.apply(null, each.map(function (e) { return e.length; }));
      for (var i = 0; i < longest; i += 2) {  // two places at a time: a corner, the other corner...
        each.forEach(function (e) { out = out.concat(e.slice(i, i + 2)); });
      }
      return out;
    }
    function textBox(b, colour, fs) {
      var pad = Math.round(fs * 0.5), lineH = Math.round(fs * 1.3);
      ctx.fillStyle = colour;
      ctx.fillRect(b.x, b.y, b.w, b.h);
      ctx.fillStyle = "#fff";
      b.lines.forEach(function (t, i) { ctx.fillText(t, b.x + pad, b.y + (i + 0.5) * lineH + pad / 2); });
    }
    function css(p, ks) { return ks.map(function (k) { return point(p, k); }); }

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
        // The stage classifier's probability is a number for coaches (their "Details" switch).
        var sure = document.body.classList.contains("show-details") ? " (" + (data.prob[f] || 0).toFixed(2) + ")" : "";
        var stage = data.stage[f] ? data.stage[f] + sure : "–";
        var counter = "Rep " + (rep ? rep.index : 0) + "/" + data.reps.length;
        // The boxes keep off the lifter's head and each other, and off the body when they can.
        var head = p ? headBox(css(p, FACE)) : null;
        var body = p ? boundsOf(css(p, BODY), [4 * unit, 4 * unit, 4 * unit, 4 * unit]) : null;
        var labels = [labelSlots([[counter, "Stage: " + stage]], "left", fs)];
        var colours = [PALETTE.counter];
        if (rep) {
          // A long verdict may go one clause per line, where one line would not fit.
          labels.push(labelSlots([["Rep " + rep.index + ": " + rep.verdict],
                                  ["Rep " + rep.index].concat(rep.verdict.split(/(?<=[:,]) /))], "right", fs));
          colours.push(COLOURS[rep.outcome] || COLOURS.not_judged);
        }
        var placed = placeLabels(labels, head ? [head] : [], body ? [body] : []);
        placed.forEach(function (b, i) { textBox(b, colours[i], fs); });
        api.layout = { head: head, labels: placed.map(function (b) { return { x: b.x, y: b.y, w: b.w, h: b.h }; }) };
      } else {
        api.layout = { head: null, labels: [] };
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

  window.VideoOverlay = { attach: attach, fitPicture: fitPicture, toggle: toggle, palette: PALETTE,
                          placeLabels: placeLabels, edgeSlots: edgeSlots, headBox: headBox,
                          overlaps: overlaps };

  var player = document.getElementById("player"), overlay = document.getElementById("overlay");
  if (player && overlay && player.dataset.overlayUrl) {
    window.ReviewOverlay = VideoOverlay.attach(player, overlay, player.dataset.overlayUrl);
  }
})();
