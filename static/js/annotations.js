/* Comments beside the video and drawings on a paused frame (annotations).

   Reads the page's comments from <script type="application/json" id="comments-data"> (a list
   of the API's CommentSerializer dicts): each one with a video time becomes a marker on the
   scrubber (#scrubber-wrap), and each drawing is shown over the video (#player in
   #player-wrap) when playback passes its time, for ~1.5 s, and while paused on its frame.
   Drawings are in fractions of the picture, placed with VideoOverlay.fitPicture (overlay.js,
   loaded first), so they land on the same spot at any player size.

   With a #comment-form (the review page) it also posts: the form's comments and the drawing
   toolbar's annotations go to the form's data-api-url without a page reload, and appear in
   #comment-list. Without one (a read-only page) it only shows. `window.Annotations` lets
   voice-over.js list what it posts and take the drawing being made along with a recording. */
(function () {
  "use strict";

  var NAMES = { line: "line", arrow: "arrow", circle: "circle", free: "free hand", angle: "angle" };
  var NEEDS = { line: 2, arrow: 2, circle: 2, angle: 3 };  // points; free hand: 2..500
  var FREE_MAX = 500;
  var SHOW_MS = 1500;  // how long a drawing stays up when playback passes its time

  var dataEl = document.getElementById("comments-data");
  var comments = [];
  try { comments = JSON.parse((dataEl && dataEl.textContent) || "[]") || []; } catch (e) { comments = []; }
  var form = document.getElementById("comment-form");
  var list = document.getElementById("comment-list");
  var video = document.getElementById("player");
  var wrap = document.getElementById("player-wrap");

  function degreesText(d) { return Math.round(Math.round(d * 10) / 10) + "°"; }
  function summary(drawing) {
    return drawing.map(function (s) {
      return NAMES[s.kind] + (s.degrees !== undefined && s.degrees !== null ? " " + degreesText(s.degrees) : "");
    });
  }

  // --- the list --------------------------------------------------------------------------
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // The same markup as templates/analysis/_comments.html, for a comment just posted.
  function listItem(c) {
    var li = el("li", { "class": "comment" + (c.drawing ? " annotation" : ""), id: "comment-" + c.id,
                        "data-comment-id": String(c.id), "data-testid": "comment" });
    var head = el("div", { "class": "comment-head" });
    head.appendChild(el("strong", {}, c.author || "deleted user"));
    if (c.rep_index) head.appendChild(el("span", { "class": "badge badge-muted" }, "rep " + c.rep_index));
    if (c.video_time_s !== null && c.video_time_s !== undefined) {
      // data-seek: review.js seeks too, as for any time link; this file's seek to the same
      // time comes after it (and alone on a page without review.js).
      head.appendChild(el("button", { type: "button", "class": "timelink", "data-show-comment": String(c.id),
                                      "data-seek": String(c.video_time_s), "data-testid": "comment-time" },
                          "@ " + Number(c.video_time_s).toFixed(2) + " s"));
    }
    head.appendChild(el("span", { "class": "muted small", "data-testid": "comment-ago" }, "just now"));
    li.appendChild(head);
    if (c.drawing) {
      var p = el("p", { "class": "drawing-summary small", "data-testid": "drawing-summary" }, "Drawing: ");
      c.drawing.forEach(function (s, i) {
        if (i) p.appendChild(document.createTextNode(", "));
        p.appendChild(document.createTextNode(NAMES[s.kind]));
        if (s.degrees !== undefined && s.degrees !== null) {
          p.appendChild(document.createTextNode(" "));
          p.appendChild(el("span", { "class": "angle-degrees", "data-testid": "angle-degrees" }, degreesText(s.degrees)));
        }
      });
      li.appendChild(p);
    }
    if (c.body) li.appendChild(el("p", { "class": "comment-body" }, c.body));
    if (c.audio_url) {  // a voice-over: voice-over.js plays it when the video reaches its time
      var voice = el("div", { "class": "voice-over" });
      var secs = c.audio_duration_s ? " · " + Number(c.audio_duration_s).toFixed(1) + " s" : "";
      voice.appendChild(el("span", { "class": "voice-over-label small" }, "Voice-over" + secs));
      voice.appendChild(el("audio", { controls: "", preload: "metadata", src: c.audio_url,
                                      "data-voice-over": String(c.id), "data-testid": "voice-over" }));
      li.appendChild(voice);
    }
    return li;
  }

  // Scrolls the list (not the page: on a phone the video sits above it) to show `li`.
  function reveal(li) {
    if (!list || !li) return;
    list.querySelectorAll(".comment.current").forEach(function (n) { n.classList.remove("current"); });
    li.classList.add("current");
    var top = li.offsetTop - list.offsetTop;
    if (top < list.scrollTop || top + li.offsetHeight > list.scrollTop + list.clientHeight) {
      list.scrollTop = Math.max(0, top - 8);
    }
  }

  // --- posting ---------------------------------------------------------------------------
  // A refused post in a sentence (`what` was not saved: "comment", "voice-over").
  function errorText(body, status, what) {
    if (body && typeof body === "object") {
      var parts = [];
      Object.keys(body).forEach(function (k) {
        var v = body[k];
        parts = parts.concat(Array.isArray(v) ? v : [String(v)]);
      });
      if (parts.length) return parts.join(" ");
    }
    return status === 404 ? "This session is no longer there." : "The " + (what || "comment") + " could not be saved; try again.";
  }

  function post(payload) {
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    return fetch(form.dataset.apiUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRFToken": token ? token.value : "" },
      body: JSON.stringify(payload)
    }).then(function (r) {
      return r.json().catch(function () { return null; }).then(function (body) {
        if (!r.ok) throw new Error(errorText(body, r.status));
        return body;
      });
    }, function () { throw new Error("No connection: the comment was not saved; try again."); });
  }

  function added(c) {
    comments.push(c);
    if (list) {
      var empty = document.getElementById("no-comments");
      if (empty) empty.remove();
      var li = listItem(c);
      list.appendChild(li);
      reveal(li);
    }
    if (player) player.added(c);
  }

  var player = video && wrap ? playerPart() : null;
  window.Annotations = {
    added: added,
    errorText: errorText,
    // The drawing being made on the paused frame (a copy; null when there is none), and
    // clearing it once it was saved with a voice-over.
    drawing: function () { return player && player.drawing ? player.drawing() : null; },
    clearDrawing: function () { if (player && player.clearDrawing) player.clearDrawing(); }
  };

  if (form && form.dataset.apiUrl) {
    var error = document.getElementById("comment-error");
    var submit = form.querySelector("[type=submit]");
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var rep = form.querySelector("[name=rep]"), time = form.querySelector("[name=video_time_s]");
      var payload = {
        body: form.querySelector("[name=body]").value,
        rep: rep && rep.value ? parseInt(rep.value, 10) : null,
        video_time_s: time && time.value !== "" ? parseFloat(time.value) : null
      };
      submit.disabled = true;
      post(payload).then(function (c) {
        error.hidden = true;
        form.querySelector("[name=body]").value = "";
        added(c);
      }, function (e) {
        error.textContent = e.message;
        error.hidden = false;
      }).then(function () { submit.disabled = false; });
    });
  }

  // --- the video: markers, drawings shown at their times, the drawing toolbar --------------
  function playerPart() {
    var canvas = document.getElementById("draw-canvas");
    if (!canvas) {  // a read-only page need not bring its own
      canvas = el("canvas", { id: "draw-canvas", "class": "draw-canvas", "aria-hidden": "true" });
      wrap.appendChild(canvas);
    }
    var ctx = canvas.getContext("2d");
    var box = null;
    var fps = parseFloat(video.dataset.fps) || 30;
    var scrubWrap = document.getElementById("scrubber-wrap");
    var chart = {};
    try { chart = JSON.parse((document.getElementById("chart-data") || {}).textContent || "{}"); } catch (e) { chart = {}; }

    var shownUntil = {};  // comment id -> wall-clock ms until which it stays up
    var lastT = null;     // the clock at the last playback tick (null after a seek)
    var shapes = [];      // the drawing being made
    var pending = null;   // the shape being made: {kind, points}
    var cursor = null;    // the pointer, for the preview of the next point
    var down = false;
    var tool = null;
    var toolbar = form ? document.getElementById("draw-toolbar") : null;
    var readout = document.getElementById("draw-degrees");
    var hint = document.getElementById("draw-hint");

    function fit() {
      if (!window.VideoOverlay || !window.VideoOverlay.fitPicture) return false;
      box = window.VideoOverlay.fitPicture(video, canvas);
      return !!box;
    }
    function px(p) { return [p[0] * box.w, p[1] * box.h]; }

    // The angle at the vertex in picture pixels (the picture is not square), 0..180, one
    // decimal: the server computes the same from the video's size and stores it.
    function angleOf(points) {
      var a = px(points[0]), v = px(points[1]), b = px(points[2]);
      var u = [a[0] - v[0], a[1] - v[1]], w = [b[0] - v[0], b[1] - v[1]];
      if ((!u[0] && !u[1]) || (!w[0] && !w[1])) return 0;
      var turn = Math.atan2(u[0] * w[1] - u[1] * w[0], u[0] * w[0] + u[1] * w[1]);
      return Math.round(Math.abs(turn * 180 / Math.PI) * 10) / 10;
    }

    // --- drawing shapes ---
    var placed = [];  // the degree labels of this render, in CSS px of the picture
    // What a degree label keeps off: the lifter's head and the overlay's boxes on the frame
    // (overlay.js' layout), and the labels already put down.
    function obstacles() {
      var o = window.ReviewOverlay, out = [];
      if (o && o.layout) out = (o.layout.head ? [o.layout.head] : []).concat(o.layout.labels || []);
      return out.concat(placed);
    }
    // The label at `off` from the vertex `v` along the angle's bisector `mid` when that is
    // clear (VideoOverlay.placeLabels), else turned about the vertex, then further out.
    function label(text, v, mid, off, unit) {
      var fs = Math.round(Math.max(12, Math.min(18, 13 * unit)));
      ctx.font = "700 " + fs + "px system-ui, sans-serif";
      ctx.textBaseline = "middle";
      var w = ctx.measureText(text).width + fs * 0.8, h = fs * 1.5;
      var candidates = [];
      [1, 1.6, 2.3].forEach(function (far) {
        [0, 0.5, -0.5, 1, -1, 1.6, -1.6, Math.PI].forEach(function (turn) {
          var x = v[0] + Math.cos(mid + turn) * off * far, y = v[1] + Math.sin(mid + turn) * off * far;
          candidates.push({ x: Math.max(2, Math.min(box.w - w - 2, x - w / 2)),
                            y: Math.max(2, Math.min(box.h - h - 2, y - h / 2)), w: w, h: h });
        });
      });
      var b = window.VideoOverlay && VideoOverlay.placeLabels
        ? VideoOverlay.placeLabels([candidates], obstacles(), [])[0] : candidates[0];
      placed.push(b);
      canvas.dataset.labels = JSON.stringify(placed);  // what tests read
      ctx.fillStyle = "rgba(15, 23, 42, 0.85)";
      ctx.fillRect(b.x, b.y, w, h);
      ctx.fillStyle = "#fff";
      ctx.fillText(text, b.x + fs * 0.4, b.y + h / 2);
    }

    function drawShape(s, unit, degrees) {
      var pts = s.points.map(px);
      ctx.strokeStyle = ctx.fillStyle = s.color;
      ctx.lineWidth = 3 * unit;
      ctx.lineCap = ctx.lineJoin = "round";
      ctx.shadowColor = "rgba(0, 0, 0, 0.6)";
      ctx.shadowBlur = 3 * unit;
      ctx.beginPath();
      if (s.kind === "circle" && pts.length > 1) {
        var r = Math.hypot(pts[1][0] - pts[0][0], pts[1][1] - pts[0][1]);
        ctx.arc(pts[0][0], pts[0][1], r, 0, 2 * Math.PI);
        ctx.stroke();
      } else if (s.kind === "angle") {
        ctx.moveTo(pts[0][0], pts[0][1]);
        pts.slice(1).forEach(function (p) { ctx.lineTo(p[0], p[1]); });
        ctx.stroke();
        if (pts.length === 3 && degrees !== null) {
          var v = pts[1];
          var a1 = Math.atan2(pts[0][1] - v[1], pts[0][0] - v[0]);
          var a2 = Math.atan2(pts[2][1] - v[1], pts[2][0] - v[0]);
          var sweep = a2 - a1;
          while (sweep > Math.PI) sweep -= 2 * Math.PI;
          while (sweep < -Math.PI) sweep += 2 * Math.PI;
          var arm = Math.min(Math.hypot(pts[0][0] - v[0], pts[0][1] - v[1]),
                             Math.hypot(pts[2][0] - v[0], pts[2][1] - v[1]));
          var rad = Math.max(6 * unit, Math.min(28 * unit, arm * 0.45));
          ctx.lineWidth = 2 * unit;
          ctx.beginPath();
          ctx.arc(v[0], v[1], rad, a1, a1 + sweep, sweep < 0);
          ctx.stroke();
          ctx.shadowBlur = 0;
          label(degreesText(degrees), v, a1 + sweep / 2, rad + 20 * unit, unit);
        }
      } else {
        ctx.moveTo(pts[0][0], pts[0][1]);
        pts.slice(1).forEach(function (p) { ctx.lineTo(p[0], p[1]); });
        ctx.stroke();
        if (s.kind === "arrow" && pts.length > 1) {
          var e = pts[pts.length - 1], f = pts[pts.length - 2];
          var dir = Math.atan2(e[1] - f[1], e[0] - f[0]), len = 14 * unit;
          ctx.beginPath();
          ctx.moveTo(e[0], e[1]);
          ctx.lineTo(e[0] - len * Math.cos(dir - 0.45), e[1] - len * Math.sin(dir - 0.45));
          ctx.lineTo(e[0] - len * Math.cos(dir + 0.45), e[1] - len * Math.sin(dir + 0.45));
          ctx.closePath();
          ctx.fill();
        }
      }
      ctx.shadowBlur = 0;
    }

    // --- which drawings are up ---
    function sameFrame(a, t) {
      var o = window.ReviewOverlay;
      if (o && o.loaded) return o.frameAt(a) === o.frameAt(t);
      return Math.abs(a - t) < 0.5 / fps;
    }
    function annotations() {
      return comments.filter(function (c) { return c.drawing && c.video_time_s !== null && c.video_time_s !== undefined; });
    }
    function shownNow() {
      var now = performance.now(), t = video.currentTime;
      return annotations().filter(function (c) {
        return (shownUntil[c.id] || 0) > now || (video.paused && !video.seeking && sameFrame(c.video_time_s, t));
      });
    }
    function editing() { return !!toolbar && video.paused; }

    var drawnKey = "", expiry = null;
    function render(force) {
      var shown = shownNow();
      // Paused while a drawing playback brought up is still up: take it down when its time is.
      var until = Math.max.apply(null, [0].concat(Object.keys(shownUntil).map(function (k) { return shownUntil[k]; })));
      if (video.paused && until > performance.now() && expiry === null) {
        expiry = setTimeout(function () { expiry = null; render(true); }, until - performance.now() + 20);
      }
      var key = shown.map(function (c) { return c.id; }).join(",") + "|" + (editing() ? "e" : "");
      if (!force && key === drawnKey && !editing()) return;
      drawnKey = key;
      if (!fit()) return;
      ctx.setTransform(box.dpr, 0, 0, box.dpr, 0, 0);
      ctx.clearRect(0, 0, box.w, box.h);
      placed = [];
      canvas.dataset.labels = "[]";
      var unit = Math.max(0.7, Math.min(box.w, box.h) / 360);
      var degrees = [];
      shown.forEach(function (c) {
        c.drawing.forEach(function (s) {
          drawShape(s, unit, s.kind === "angle" ? s.degrees : null);
          if (s.kind === "angle") degrees.push(degreesText(s.degrees));
        });
      });
      canvas.dataset.shown = shown.map(function (c) { return c.id; }).join(",");
      canvas.dataset.degrees = degrees.join(",");
      if (!editing()) return;
      shapes.forEach(function (s) { drawShape(s, unit, s.kind === "angle" ? angleOf(s.points) : null); });
      if (pending) {
        var preview = { kind: pending.kind, color: pending.color, points: pending.points.slice() };
        var need = NEEDS[pending.kind];
        if (pending.kind !== "free" && cursor && preview.points.length < need) preview.points.push(cursor);
        var live = preview.kind === "angle" && preview.points.length === 3 ? angleOf(preview.points) : null;
        drawShape(preview, unit, live);
        if (live !== null) showReadout(live);
      }
    }

    function showReadout(d) { if (readout) readout.textContent = "Angle " + degreesText(d); }

    // --- markers on the scrubber ---
    function duration() { return video.duration || parseFloat(chart.duration_s) || 0; }  // as the scrubber
    function placeMarker(m) {
      var d = duration();
      if (!d) return;
      m.style.left = (100 * Math.max(0, Math.min(1, parseFloat(m.dataset.at) / d))).toFixed(2) + "%";
    }
    function marker(c) {
      if (!scrubWrap || c.video_time_s === null || c.video_time_s === undefined) return;
      var what = c.drawing ? "Drawing" : (c.audio_url ? "Voice-over" : "Comment");
      var m = el("button", { type: "button", "class": "comment-marker" + (c.drawing ? " is-drawing" : "") + (c.audio_url ? " is-voice" : ""),
                             "data-at": String(c.video_time_s), "data-show-comment": String(c.id),
                             "data-testid": "comment-marker",
                             title: what + " at " + Number(c.video_time_s).toFixed(2) + " s" + (c.body ? ": " + c.body.slice(0, 80) : ""),
                             "aria-label": what + " at " + Number(c.video_time_s).toFixed(2) + " s" });
      scrubWrap.appendChild(m);
      placeMarker(m);
    }
    comments.forEach(marker);
    video.addEventListener("loadedmetadata", function () {
      if (scrubWrap) scrubWrap.querySelectorAll(".comment-marker").forEach(placeMarker);
      render(true);
    });

    // A click on a marker or a comment's time: there, paused, with its drawing up.
    function showComment(id, scroll) {
      var c = comments.filter(function (x) { return String(x.id) === String(id); })[0];
      if (!c || c.video_time_s === null || c.video_time_s === undefined) return;
      video.pause();
      video.currentTime = c.video_time_s;
      reveal(document.getElementById("comment-" + c.id));
      if (scroll) video.scrollIntoView({ behavior: "smooth", block: "nearest" });
      render(true);
    }
    document.addEventListener("click", function (ev) {
      var target = ev.target.closest("[data-show-comment]");
      if (!target) {  // anywhere on an annotation in the list shows it
        var item = ev.target.closest("li.annotation[data-comment-id]");
        if (item && !ev.target.closest("a, button, input, select, textarea, audio")) showComment(item.dataset.commentId, true);
        return;
      }
      ev.preventDefault();
      showComment(target.dataset.showComment, !target.classList.contains("comment-marker"));
    });

    // While playing: a drawing whose time the clock just passed comes up for a moment.
    function tick() {
      var t = video.currentTime;
      if (lastT !== null && t >= lastT && t - lastT < 1) {
        annotations().forEach(function (c) {
          if (c.video_time_s > lastT && c.video_time_s <= t) shownUntil[c.id] = performance.now() + SHOW_MS;
        });
      }
      lastT = t;
      render(false);
      if (!video.paused || Object.keys(shownUntil).some(function (k) { return shownUntil[k] > performance.now(); })) {
        requestAnimationFrame(tick);
      }
    }
    video.addEventListener("play", function () { lastT = video.currentTime; requestAnimationFrame(tick); });
    // A seek is a new moment: what playback brought up goes (the paused frame's stay).
    video.addEventListener("seeking", function () { lastT = null; shownUntil = {}; });
    ["seeked", "pause", "loadeddata"].forEach(function (e) {
      video.addEventListener(e, function () { render(true); if (toolbar) toolState(); });
    });
    if (window.ResizeObserver) new ResizeObserver(function () { render(true); }).observe(video);
    else window.addEventListener("resize", function () { render(true); });
    if (window.ReviewOverlay) window.ReviewOverlay.ready.then(function () { render(true); });

    // --- the toolbar (only with a comment form) ---
    var api = { added: function (c) { marker(c); render(true); } };
    if (!toolbar) return api;
    toolbar.hidden = false;
    var colour = document.getElementById("draw-colour");
    // The default colour, apart from the skeleton's (overlay.js' palette); a colour the coach
    // chose (or the browser restored) stays.
    if (window.VideoOverlay && VideoOverlay.palette) colour.defaultValue = VideoOverlay.palette.drawing;
    var note = document.getElementById("draw-note");
    var repSelect = document.getElementById("draw-rep");
    var saveBtn = toolbar.querySelector("[data-draw=save]");
    var toolBtns = toolbar.querySelectorAll("[data-tool]");

    function say(text) { if (hint) hint.textContent = text; }
    function toolState() {
      var paused = video.paused;
      toolBtns.forEach(function (b) {
        b.disabled = !paused;
        b.classList.toggle("active", b.dataset.tool === tool);
        b.setAttribute("aria-pressed", b.dataset.tool === tool ? "true" : "false");
      });
      saveBtn.disabled = !paused;
      canvas.classList.toggle("drawing", paused && !!tool);
      if (!paused) say("Pause the video to draw.");
      else if (!tool) say("Choose a tool and draw on the picture.");
      if (paused && repSelect) {  // the rep the paused frame is in, preselected
        var t = video.currentTime, pick = "";
        repSelect.querySelectorAll("option[data-start]").forEach(function (o) {
          if (t >= parseFloat(o.dataset.start) && t <= parseFloat(o.dataset.end)) pick = o.value;
        });
        repSelect.value = pick;
      }
    }
    toolBtns.forEach(function (b) {
      b.addEventListener("click", function () {
        tool = tool === b.dataset.tool ? null : b.dataset.tool;
        pending = null;
        toolState();
        if (tool === "angle") say("Angle: tap an arm's end, then the vertex, then the other arm's end.");
        else if (tool === "free") say("Free hand: drag on the picture.");
        else if (tool) say("Drag on the picture, or tap its two points" + (tool === "circle" ? " (centre, then the rim)." : "."));
        render(true);
      });
    });
    video.addEventListener("play", toolState);

    function pos(ev) {
      var r = canvas.getBoundingClientRect();
      return [Math.max(0, Math.min(1, (ev.clientX - r.left) / r.width)),
              Math.max(0, Math.min(1, (ev.clientY - r.top) / r.height))];
    }
    function far(a, b, min) { return Math.hypot((a[0] - b[0]) * box.w, (a[1] - b[1]) * box.h) >= min; }
    function finish() {
      var done = pending;
      pending = null;
      cursor = null;
      if (shapes.length >= 50) { say("A drawing has at most 50 shapes: save this one first."); return; }
      shapes.push(done);
      if (done.kind === "angle") showReadout(angleOf(done.points));
    }
    canvas.addEventListener("pointerdown", function (ev) {
      if (!tool || !video.paused || !box) return;
      ev.preventDefault();
      canvas.setPointerCapture(ev.pointerId);
      down = true;
      var p = pos(ev);
      cursor = p;
      if (!pending || tool === "free") pending = { kind: tool, color: colour.value, points: [p] };
      render(true);
    });
    canvas.addEventListener("pointermove", function (ev) {
      if (!tool || !video.paused || !box) return;
      var p = pos(ev);
      cursor = p;
      if (pending && pending.kind === "free" && down) {
        var last = pending.points[pending.points.length - 1];
        if (far(last, p, 2) && pending.points.length < FREE_MAX) pending.points.push(p);
      }
      render(true);
    });
    canvas.addEventListener("pointerup", function (ev) {
      if (!down) return;
      down = false;
      if (!pending || !box) return;
      var p = pos(ev);
      if (pending.kind === "free") {
        if (pending.points.length >= 2) finish(); else pending = null;
      } else if (far(pending.points[pending.points.length - 1], p, 6)) {
        // A drag's release or a later tap is the next point; a tap's own release is not.
        pending.points.push(p);
        if (pending.points.length === NEEDS[pending.kind]) finish();
      }
      render(true);
    });
    canvas.addEventListener("pointercancel", function () { down = false; });

    toolbar.querySelector("[data-draw=undo]").addEventListener("click", function () {
      if (pending) pending = null; else shapes.pop();
      if (readout) readout.textContent = "";
      render(true);
    });
    toolbar.querySelector("[data-draw=clear]").addEventListener("click", function () {
      pending = null;
      shapes = [];
      if (readout) readout.textContent = "";
      render(true);
    });
    api.drawing = function () {
      return shapes.length ? JSON.parse(JSON.stringify(shapes)) : null;
    };
    api.clearDrawing = function () {
      shapes = [];
      pending = null;
      tool = null;
      note.value = "";
      if (readout) readout.textContent = "";
      toolState();
      render(true);
    };
    saveBtn.addEventListener("click", function () {
      if (!video.paused) { say("Pause the video to save a drawing."); return; }
      if (!shapes.length) { say("Draw something first: choose a tool and draw on the picture."); return; }
      var at = Math.round(video.currentTime * 1000) / 1000;
      var payload = { body: note.value, video_time_s: at, drawing: shapes,
                      rep: repSelect && repSelect.value ? parseInt(repSelect.value, 10) : null };
      saveBtn.disabled = true;
      say("Saving…");
      post(payload).then(function (c) {
        shapes = [];
        pending = null;
        note.value = "";
        tool = null;
        if (readout) readout.textContent = "";
        added(c);
        say("Saved at " + at.toFixed(2) + " s.");
        toolState();
      }, function (e) {
        say(e.message);
        saveBtn.disabled = false;
      });
    });
    toolState();
    return api;
  }
})();
