/* The upload page. The chosen video goes up in pieces (tus 1.0 resumable uploads, see
   analysis/views/uploads.py) with the percent and MB sent and a Cancel button. The upload's
   address is kept in localStorage under the file's name, size and date: after a dropped
   connection (retried a few times by itself) or a reload, choosing the same file again asks
   the server how far it got and continues from there. Without the browser features this
   needs, or without a file, the form posts as a whole, as it always did. */
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form) return;
  var TUS = "1.0.0";
  var RETRY_WAITS = [1000, 3000, 6000]; // ms before asking again after a dropped piece
  var KEPT_MS = 24 * 3600 * 1000; // the server drops an upload a day after its last piece
  var STORE_PREFIX = "resumable-upload:";
  var submit = form.querySelector("button[type=submit]");
  var progress = document.getElementById("upload-progress");
  var bar = document.getElementById("upload-bar");
  var percentText = document.getElementById("upload-percent");
  var sentText = document.getElementById("upload-sent");
  var note = document.getElementById("upload-note");
  var message = document.getElementById("upload-message");
  var cancelButton = document.getElementById("upload-cancel");
  var chunkBytes = parseInt(form.dataset.chunkBytes, 10) || 5 * 1024 * 1024;
  var supported = !!(window.XMLHttpRequest && window.Blob && Blob.prototype.slice &&
    window.TextEncoder && window.Promise && storage());
  var current = null; // the upload under way: {key, url, xhr, cancelled}

  function storage() {
    try { return window.localStorage; } catch (e) { return null; } // private modes may refuse
  }

  function chosenFile() {
    var inputs = fileInputs();
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].files && inputs[i].files.length) return inputs[i].files[0];
    }
    return null;
  }

  function fileInputs() {
    return Array.prototype.slice.call(form.querySelectorAll("input[type=file][name=video]"));
  }
  function clearFiles(except) {
    fileInputs().forEach(function (input) { if (input !== except) input.value = ""; });
  }

  function fieldValue(name) {
    var field = form.elements[name];
    return field && field.value !== undefined ? field.value : "";
  }

  function base64(text) {
    var bytes = new TextEncoder().encode(text), binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary);
  }

  function metadata(file) {
    var pairs = [["filename", file.name]];
    ["athlete", "exercise", "performed_at", "load_kg", "notes"].forEach(function (name) {
      pairs.push([name, fieldValue(name)]);
    });
    return pairs.map(function (p) { return p[1] ? p[0] + " " + base64(p[1]) : p[0]; }).join(",");
  }

  // --- where unfinished uploads are remembered ----------------------------------------
  function storeKey(file) {
    return STORE_PREFIX + file.name + ":" + file.size + ":" + file.lastModified;
  }
  function recall(key) {
    try {
      var kept = JSON.parse(storage().getItem(key) || "null");
      return kept && Date.now() - kept.at < KEPT_MS ? kept : null;
    } catch (e) { return null; }
  }
  function remember(key, value) {
    value.at = Date.now();
    try { storage().setItem(key, JSON.stringify(value)); } catch (e) { /* full: no resume */ }
  }
  function forget(key) {
    try { storage().removeItem(key); } catch (e) { /* nothing kept */ }
  }

  // --- what the person sees -------------------------------------------------------------
  function mb(bytes) {
    var value = bytes / 1048576;
    return value >= 10 ? value.toFixed(0) : value.toFixed(1).replace(/\.0$/, "");
  }
  function percent(sent, total) {
    return total ? Math.floor((sent * 100) / total) : 0;
  }
  function show(sent, total) {
    var pct = percent(sent, total);
    bar.firstElementChild.style.width = pct + "%"; // the CSSOM, which the policy allows
    bar.setAttribute("aria-valuenow", String(pct));
    percentText.textContent = pct + "%";
    sentText.textContent = "· " + mb(sent) + " of " + mb(total) + " MB";
  }
  function say(text) {
    message.textContent = text;
    message.classList.toggle("hidden", !text);
  }
  function clearErrors() {
    form.querySelectorAll(".js-error").forEach(function (e) { e.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (e) { e.removeAttribute("aria-invalid"); });
    form.querySelectorAll(".error[data-testid=field-error], #form-errors .errorlist")
      .forEach(function (e) { e.remove(); });
  }
  function showErrors(errors) {
    Object.keys(errors).forEach(function (name) {
      var box = form.querySelector('[data-field="' + name + '"]') ||
        document.getElementById("form-errors");
      var input = form.elements[name];
      if (input && input.setAttribute) input.setAttribute("aria-invalid", "true");
      errors[name].forEach(function (text) {
        var p = document.createElement("p");
        p.className = "error js-error";
        p.dataset.testid = "field-error";
        p.textContent = text;
        box.appendChild(p);
      });
    });
  }
  // While an upload runs the address carries "#uploading" (nothing the server sees), so it
  // differs from a set's page: /sessions/new/ looks like /sessions/<n>/ to whatever waits for
  // the set's page (the browser tests wait for "**/sessions/*/").
  var address = window.location.pathname + window.location.search;
  function busy() {
    if (window.history && history.replaceState) history.replaceState(null, "", address + "#uploading");
    submit.disabled = true;
    progress.classList.remove("hidden");
    cancelButton.disabled = false;
    // On a phone the bar opens below the fold: bring it (and Cancel) into view.
    if (progress.scrollIntoView) progress.scrollIntoView({ block: "nearest" });
  }
  function idle() {
    if (window.history && history.replaceState) history.replaceState(null, "", address);
    submit.disabled = false;
    progress.classList.add("hidden");
    current = null;
  }

  // --- the protocol ---------------------------------------------------------------------
  function send(method, url, headers, body, onSent) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open(method, url);
      xhr.setRequestHeader("Tus-Resumable", TUS);
      xhr.setRequestHeader("X-CSRFToken", fieldValue("csrfmiddlewaretoken"));
      Object.keys(headers || {}).forEach(function (h) { xhr.setRequestHeader(h, headers[h]); });
      if (onSent && xhr.upload) {
        xhr.upload.onprogress = function (event) { onSent(event.loaded); };
      }
      xhr.onload = function () { resolve(xhr); };
      xhr.onerror = xhr.ontimeout = function () { reject(new Error("network")); };
      xhr.onabort = function () { reject(new Error("aborted")); };
      if (current) current.xhr = xhr;
      xhr.send(body || null);
    });
  }
  function errorsOf(xhr) {
    try {
      var errors = JSON.parse(xhr.responseText).errors;
      if (errors) return errors;
    } catch (e) { /* not our JSON */ }
    return { __all__: ["The upload failed (the server answered " + xhr.status + "). Try again."] };
  }
  function offsetOf(xhr) {
    return parseInt(xhr.getResponseHeader("Upload-Offset"), 10) || 0;
  }
  function wait(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  function finish(key, location, size) {
    forget(key);
    show(size, size);
    note.textContent = "Uploaded. Opening the set…";
    cancelButton.disabled = true;
    window.location.assign(location);
  }

  // Where an earlier upload of this file stands: {url, offset}, {done: location} or null.
  async function earlier(key, meta) {
    var kept = recall(key);
    if (!kept) return null;
    if (kept.meta !== meta) { // the details changed: that upload would carry the old ones
      send("DELETE", kept.url).catch(function () {});
      forget(key);
      return null;
    }
    var head = await send("HEAD", kept.url);
    if (head.status !== 200) { forget(key); return null; }
    var done = head.getResponseHeader("Session-Location");
    return done ? { done: done } : { url: kept.url, offset: offsetOf(head) };
  }

  async function upload(file) {
    var me = current;
    var meta = metadata(file);
    var size = file.size;
    show(0, size);
    note.textContent = "Starting…";
    var found = await earlier(me.key, meta);
    if (me.cancelled) { // cancelled while asking: the earlier upload goes too
      if (found && found.url) send("DELETE", found.url).catch(function () {});
      return;
    }
    if (found && found.done) { finish(me.key, found.done, size); return; }
    var offset = 0;
    if (found) {
      me.url = found.url;
      offset = found.offset;
    } else {
      var created = await send("POST", form.dataset.resumableUrl, {
        "Upload-Length": String(size), "Upload-Metadata": meta
      });
      if (created.status !== 201) { idle(); showErrors(errorsOf(created)); return; }
      me.url = created.getResponseHeader("Location");
      if (me.cancelled) { send("DELETE", me.url).catch(function () {}); return; }
      remember(me.key, { url: me.url, meta: meta, name: file.name });
    }
    form.dataset.resumedFrom = String(offset); // where this attempt began (read by tests)
    note.textContent = offset ? "Resuming from " + percent(offset, size) + "%" : "";
    show(offset, size);
    var retries = 0, conflicts = 0;
    while (!me.cancelled) {
      var end = Math.min(offset + chunkBytes, size);
      var reply;
      try {
        reply = await send("PATCH", me.url, {
          "Upload-Offset": String(offset), "Content-Type": "application/offset+octet-stream"
        }, file.slice(offset, end), function (loaded) { show(offset + loaded, size); });
      } catch (error) {
        if (me.cancelled) return;
        if (retries >= RETRY_WAITS.length) {
          show(offset, size);
          note.textContent = "The connection dropped at " + percent(offset, size) + "%. " +
            "Press “Upload and analyse” again (with the same file) to continue from there.";
          submit.disabled = false;
          whenOnline(me);
          return;
        }
        note.textContent = "The connection dropped; trying again…";
        await wait(RETRY_WAITS[retries++]);
        if (me.cancelled) return;
        try { // a piece may have arrived in part: ask where the server is
          var head = await send("HEAD", me.url);
          if (head.status === 200) offset = offsetOf(head);
          note.textContent = "Resuming from " + percent(offset, size) + "%";
        } catch (e) { /* the next PATCH finds out */ }
        continue;
      }
      if (reply.status === 204) {
        retries = 0;
        offset = offsetOf(reply);
        show(offset, size);
        var session = reply.getResponseHeader("Session-Location");
        if (session) { finish(me.key, session, size); return; }
      } else if (reply.status === 409 && conflicts++ < 3) { // another tab moved it on
        offset = offsetOf(reply);
      } else {
        if (reply.status !== 413) forget(me.key); // refused or gone: nothing to resume
        if (reply.status === 422) clearFiles(); // this file will not do: choose another
        idle();
        showErrors(reply.status === 404 ? { __all__: [
          "This upload is no longer on the server (cancelled, or left for over a day). " +
          "Press “Upload and analyse” to start it again."] } : errorsOf(reply));
        return;
      }
    }
  }

  // A phone back on the network continues by itself (the file is still chosen).
  function whenOnline(me) {
    window.addEventListener("online", function () {
      if (current === me && !me.cancelled && !submit.disabled && chosenFile()) {
        if (form.requestSubmit) form.requestSubmit(submit); else submit.click();
      }
    }, { once: true });
  }

  function cancel() {
    var me = current;
    if (!me) return;
    me.cancelled = true;
    if (me.xhr) me.xhr.abort();
    forget(me.key);
    cancelButton.disabled = true;
    note.textContent = "Cancelling…";
    var done = function () { idle(); say("Upload cancelled. Nothing was kept."); };
    if (me.url) send("DELETE", me.url).then(done, done); else done();
  }

  cancelButton.addEventListener("click", cancel);
  // The gallery or the camera: the latest choice is the one sent, the other is emptied.
  fileInputs().forEach(function (input) {
    input.addEventListener("change", function () { if (input.files.length) clearFiles(input); });
  });

  form.addEventListener("submit", function (event) {
    var file = chosenFile();
    if (!supported || !file || !form.dataset.resumableUrl) {
      document.getElementById("uploading").classList.remove("hidden");
      submit.disabled = true;
      return; // the whole form posts
    }
    event.preventDefault();
    if (current && !current.cancelled && submit.disabled) return; // under way already
    clearErrors();
    say("");
    current = { key: storeKey(file) };
    busy();
    upload(file).catch(function () {
      if (!current || current.cancelled) return;
      submit.disabled = false;
      note.textContent = "The server could not be reached. Press “Upload and analyse” " +
        "again (with the same file) to continue.";
    });
  });

  // An upload a reload (or a lost connection) left unfinished: say how to continue it.
  if (supported) {
    var unfinished = [], names = [];
    for (var i = 0; i < storage().length; i++) names.push(storage().key(i));
    names.forEach(function (name) {
      if (!name || name.indexOf(STORE_PREFIX) !== 0) return;
      var kept = recall(name);
      if (kept) unfinished.push(kept.name); else forget(name); // too old to continue
    });
    if (unfinished.length) {
      say("“" + unfinished[unfinished.length - 1] + "” was not finished: choose the same " +
        "file again and the upload continues where it stopped.");
    }
  }
})();
