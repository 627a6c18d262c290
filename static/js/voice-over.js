/* Voice-overs: a coach's recording pinned to a video time (a comment with `audio_url`).

   Playing (the review page and a shared page): when playback reaches a voice-over's time,
   the video stops on that frame (its drawing, if any, stays up: annotations.js), the voice
   plays, and the video carries on once it ends, as coaching apps do. Playing the video again,
   seeking, or another voice-over takes over. Playing a voice-over from the list brings the
   video to its frame first, paused.

   Recording (the review page, with #voice-bar and #comment-form): "Record voice-over" takes
   the video's current time (paused or playing) and records the microphone with MediaRecorder
   until "Stop" (at most 5 minutes); the take can be heard, given a note and a rep, and saved
   as a multipart POST to the comment form's API address (session cookie and CSRF token). A
   drawing being made on the same paused frame is saved with it.

   Reads the page's comments from <script id="comments-data"> and their <audio
   data-voice-over> elements in #comment-list (templates/analysis/_comment_items.html). */
(function () {
  "use strict";

  var MAX_SECONDS = 300;  // as settings.VOICE_OVER_MAX_SECONDS
  var TYPES = [  // what MediaRecorder makes, and the name the file is sent under
    ["audio/webm;codecs=opus", "webm"], ["audio/webm", "webm"],
    ["audio/ogg;codecs=opus", "ogg"], ["audio/mp4", "m4a"]
  ];

  var video = document.getElementById("player");
  var list = document.getElementById("comment-list");
  var dataEl = document.getElementById("comments-data");
  var voices = [];  // {id, at, audio}
  try {
    (JSON.parse((dataEl && dataEl.textContent) || "[]") || []).forEach(function (c) { remember(c); });
  } catch (e) { voices = []; }

  function timed(c) { return c.audio_url && c.video_time_s !== null && c.video_time_s !== undefined; }
  function audioOf(c) {
    var audio = list && list.querySelector("audio[data-voice-over='" + c.id + "']");
    if (!audio) {  // not listed on this page: played from here all the same
      audio = new Audio(c.audio_url);
      audio.preload = "metadata";
    }
    return audio;
  }
  function remember(c) {
    if (!c || !timed(c) || voices.some(function (v) { return v.id === c.id; })) return;
    var v = { id: c.id, at: Number(c.video_time_s), audio: audioOf(c), author: c.author || "", body: c.body || "" };
    voices.push(v);
    voices.sort(function (a, b) { return a.at - b.at; });
    v.audio.addEventListener("play", function () { heard(v); });
    v.audio.addEventListener("ended", function () { finished(v); });
    v.audio.addEventListener("pause", function () {
      if (speaking && speaking.voice === v && !v.audio.ended) setSpeaking(null);
    });
  }

  // --- playing in step with the video -----------------------------------------------------
  var speaking = null;  // {voice, resume}: the voice-over playing, and whether the video goes on after
  var ownSeek = false;  // the seek to a voice-over's frame is ours, not the viewer's
  var lastT = null;
  var strip = null;     // under the scrubber while a voice-over plays: whose, and "Skip"

  function showStrip(v) {
    if (!video) return;
    if (!strip) {
      var anchor = document.getElementById("scrubber-wrap") || video;
      strip = document.createElement("div");
      strip.className = "voice-now";
      strip.setAttribute("role", "status");
      strip.setAttribute("data-testid", "voice-now");
      var text = document.createElement("span");
      text.className = "voice-now-text";
      var skip = document.createElement("button");
      skip.type = "button";
      skip.className = "btn btn-small";
      skip.textContent = "Skip";
      skip.setAttribute("data-testid", "voice-skip");
      skip.addEventListener("click", function () {
        var was = speaking;
        if (!was) return;
        setSpeaking(null);
        was.voice.audio.pause();
        if (was.resume) { lastT = video.currentTime; video.play(); }
      });
      strip.appendChild(text);
      strip.appendChild(skip);
      anchor.parentNode.insertBefore(strip, anchor.nextSibling);
    }
    strip.hidden = !v;
    if (v) {
      strip.firstChild.textContent = "Voice-over" + (v.author ? " by " + v.author : "") +
        " at " + v.at.toFixed(2) + " s" + (v.body ? ": " + v.body : "");
    }
  }
  function mark(v) {
    if (!list) return;
    list.querySelectorAll(".comment.speaking").forEach(function (n) { n.classList.remove("speaking"); });
    var li = v && document.getElementById("comment-" + v.id);
    if (!li) return;
    li.classList.add("speaking");
    var top = li.offsetTop - list.offsetTop;  // the list scrolls, not the page
    if (top < list.scrollTop || top + li.offsetHeight > list.scrollTop + list.clientHeight) {
      list.scrollTop = Math.max(0, top - 8);
    }
  }
  function setSpeaking(s) {
    speaking = s;
    mark(s && s.voice);
    showStrip(s && s.voice);
  }
  function hush(except) {
    voices.forEach(function (v) { if (v !== except && !v.audio.paused) v.audio.pause(); });
  }
  function toFrame(v) {
    if (!video) return;
    video.pause();
    if (Math.abs(video.currentTime - v.at) > 0.001) {
      ownSeek = true;
      video.currentTime = v.at;
    }
  }
  // Playback reached a voice-over: stop on its frame, play it, go on after it.
  function speak(v) {
    hush(v);
    setSpeaking({ voice: v, resume: true });
    toFrame(v);
    v.audio.currentTime = 0;
    var playing = v.audio.play();
    if (playing && playing.catch) {
      playing.catch(function () {  // the browser wants a tap first: the list shows which
        if (speaking && speaking.voice === v) setSpeaking(null);
        mark(v);
      });
    }
  }
  // Any start of a voice-over: ours (speak) or the viewer's from the list (to its frame).
  function heard(v) {
    hush(v);
    if (!speaking || speaking.voice !== v) {
      setSpeaking({ voice: v, resume: false });
      toFrame(v);
    }
  }
  function finished(v) {
    if (!speaking || speaking.voice !== v) return;
    var resume = speaking.resume;
    setSpeaking(null);
    if (resume && video && video.paused && Math.abs(video.currentTime - v.at) < 0.25) {
      lastT = video.currentTime;  // so the same voice-over is not passed again
      video.play();
    }
  }

  if (video) {
    // While playing: the first voice-over whose time the clock just passed speaks.
    var tick = function () {
      if (video.paused) return;
      var t = video.currentTime;
      if (lastT !== null && t >= lastT && t - lastT < 1 && !speaking) {
        var due = voices.filter(function (v) { return v.at > lastT && v.at <= t; })[0];
        if (due) { lastT = due.at; speak(due); return; }
      }
      lastT = t;
      requestAnimationFrame(tick);
    };
    video.addEventListener("play", function () {
      if (speaking) {  // the viewer took over
        var was = speaking;
        setSpeaking(null);
        was.voice.audio.pause();
      }
      lastT = video.currentTime;
      requestAnimationFrame(tick);
    });
    video.addEventListener("seeking", function () {
      if (ownSeek) return;
      lastT = null;
      // The viewer went elsewhere: the voice-over stops (not for a seek to its own frame).
      if (speaking && Math.abs(video.currentTime - speaking.voice.at) > 0.05) {
        var was = speaking;
        setSpeaking(null);
        was.voice.audio.pause();
      }
    });
    video.addEventListener("seeked", function () { ownSeek = false; });
  }

  // --- recording (the review page) --------------------------------------------------------
  var bar = document.getElementById("voice-bar");
  var form = document.getElementById("comment-form");
  if (!bar || !video || !form || !form.dataset.apiUrl) return;

  var recordBtn = document.getElementById("voice-record");
  var stopBtn = document.getElementById("voice-stop");
  var clock = document.getElementById("voice-clock");
  var hint = document.getElementById("voice-hint");
  var take = document.getElementById("voice-take");
  var preview = document.getElementById("voice-preview");
  var note = document.getElementById("voice-note");
  var repSelect = document.getElementById("voice-rep");
  var saveBtn = document.getElementById("voice-save");
  var discardBtn = document.getElementById("voice-discard");
  var recorder = null, chunks = [], startedAt = 0, timer = null, at = 0, blob = null, ext = "webm";
  var previewUrl = null, seconds = 0;

  bar.hidden = false;
  function say(text) { hint.textContent = text; }
  function fmt(s) {
    s = Math.floor(s);
    return Math.floor(s / 60) + ":" + (s % 60 < 10 ? "0" : "") + (s % 60);
  }
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.MediaRecorder) {
    recordBtn.disabled = true;
    say("This browser cannot record here: recording needs a microphone and a secure (https) page.");
    return;
  }

  function reset() {
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = null;
    blob = null;
    preview.removeAttribute("src");
    take.hidden = true;
    note.value = "";
    recordBtn.hidden = false;
    recordBtn.disabled = false;
    stopBtn.hidden = true;
    saveBtn.disabled = false;
    bar.classList.remove("recording");
  }
  function repAt(t) {
    var pick = "";
    repSelect.querySelectorAll("option[data-start]").forEach(function (o) {
      if (t >= parseFloat(o.dataset.start) && t <= parseFloat(o.dataset.end)) pick = o.value;
    });
    return pick;
  }
  function chosenType() {
    for (var i = 0; i < TYPES.length; i++) {
      if (MediaRecorder.isTypeSupported && MediaRecorder.isTypeSupported(TYPES[i][0])) return TYPES[i];
    }
    return ["", "webm"];
  }
  function tickClock() {
    seconds = (performance.now() - startedAt) / 1000;
    clock.textContent = fmt(seconds);
    if (seconds >= MAX_SECONDS && recorder && recorder.state === "recording") {
      say("Five minutes is the most a voice-over lasts: stopped.");
      recorder.stop();
    }
  }

  recordBtn.addEventListener("click", function () {
    reset();
    at = Math.round(video.currentTime * 1000) / 1000;
    recordBtn.disabled = true;
    say("Asking for the microphone…");
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
      var type = chosenType();
      ext = type[1];
      try {
        recorder = new MediaRecorder(stream, type[0] ? { mimeType: type[0] } : undefined);
      } catch (e) {
        stream.getTracks().forEach(function (t) { t.stop(); });
        reset();
        say("This browser cannot record sound here.");
        return;
      }
      chunks = [];
      recorder.addEventListener("dataavailable", function (ev) { if (ev.data && ev.data.size) chunks.push(ev.data); });
      recorder.addEventListener("stop", function () {
        clearInterval(timer);
        stream.getTracks().forEach(function (t) { t.stop(); });
        bar.classList.remove("recording");
        stopBtn.hidden = true;
        recordBtn.hidden = false;
        recordBtn.disabled = false;
        recordBtn.lastChild.textContent = " Record again";
        blob = new Blob(chunks, { type: recorder.mimeType || type[0] || "audio/webm" });
        if (!blob.size) { reset(); say("Nothing was recorded: try again."); return; }
        previewUrl = URL.createObjectURL(blob);
        preview.src = previewUrl;
        repSelect.value = repAt(at);
        take.hidden = false;
        say("Recorded " + fmt(seconds) + " from " + at.toFixed(2) + " s: listen, then save it" +
            (window.Annotations && Annotations.drawing() ? " (with your drawing if the video is on that frame)." : "."));
      });
      recorder.start(1000);
      startedAt = performance.now();
      seconds = 0;
      clock.textContent = "0:00";
      timer = setInterval(tickClock, 250);
      recordBtn.hidden = true;
      stopBtn.hidden = false;
      bar.classList.add("recording");
      say("Recording from " + at.toFixed(2) + " s: talk, with the video playing or paused.");
      stopBtn.focus();
    }, function (error) {
      reset();
      var name = error && error.name;
      if (name === "NotFoundError" || name === "OverconstrainedError") say("No microphone was found.");
      else if (name === "NotAllowedError" || name === "SecurityError") {
        say("The microphone is blocked for this page: allow it (the icon in the address bar) and try again.");
      } else say("The microphone could not be started: try again.");
    });
  });
  stopBtn.addEventListener("click", function () {
    if (recorder && recorder.state !== "inactive") recorder.stop();
  });
  discardBtn.addEventListener("click", function () {
    reset();
    recordBtn.lastChild.textContent = " Record voice-over";
    say("Discarded.");
  });

  function errorText(body, status) {  // annotations.js words it, for comments too
    return window.Annotations ? Annotations.errorText(body, status, "voice-over") : "The voice-over could not be saved; try again.";
  }
  function sameFrame(a, b) {
    var o = window.ReviewOverlay;
    if (o && o.loaded) return o.frameAt(a) === o.frameAt(b);
    return Math.abs(a - b) < 0.5 / (parseFloat(video.dataset.fps) || 30);
  }

  saveBtn.addEventListener("click", function () {
    if (!blob) return;
    var data = new FormData();
    data.append("audio", blob, "voice-over." + ext);
    data.append("video_time_s", String(at));
    data.append("body", note.value);
    if (repSelect.value) data.append("rep", repSelect.value);
    var drawing = window.Annotations ? Annotations.drawing() : null;
    var withDrawing = !!drawing && video.paused && sameFrame(video.currentTime, at);
    if (withDrawing) data.append("drawing", JSON.stringify(drawing));
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    saveBtn.disabled = true;
    say("Saving…");
    fetch(form.dataset.apiUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": token ? token.value : "" },
      body: data
    }).then(function (r) {
      return r.json().catch(function () { return null; }).then(function (body) {
        if (!r.ok) throw new Error(errorText(body, r.status));
        return body;
      });
    }, function () { throw new Error("No connection: the voice-over was not saved; try again."); })
      .then(function (c) {
        reset();
        recordBtn.lastChild.textContent = " Record voice-over";
        if (withDrawing) Annotations.clearDrawing();
        if (window.Annotations) Annotations.added(c);
        remember(c);
        say("Saved at " + Number(c.video_time_s).toFixed(2) + " s" + (withDrawing ? " with the drawing." : "."));
      }, function (e) {
        saveBtn.disabled = false;
        say(e.message);
      });
  });
})();
