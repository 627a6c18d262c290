/* Coach labels: one module for the review queue and the rep cards of the review page.

   A "label box" is any element with data-label-rep="<rep id>" holding
     [data-label-act=good|anomalous] buttons, [data-fault=<value>] chips,
     an optional [data-label-note] input, [data-label-text] and [data-label-msg].
   The label is posted to /api/reps/<id>/label/ (session auth, so the CSRF token goes in
   the X-CSRFToken header); the model's verdict is never touched here. Every change is saved
   as it is made, in any order: Good or Anomalous, a fault tag (pressed with no label, or on a
   "good" rep, it labels the rep anomalous: a tagged fault is one), the note (when it is
   left, under the label chosen); a change made while one is being saved is saved next. */
(function () {
  "use strict";

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  // DRF errors come as {"detail": "..."} or {"field": ["...", ...]}: one readable line.
  function errorText(status, body) {
    if (body && typeof body === "object") {
      if (body.detail) return body.detail;
      var parts = [];
      Object.keys(body).forEach(function (k) {
        var v = body[k];
        if (Array.isArray(v)) parts.push(v.join(" "));
        else if (v && typeof v === "object") parts.push(errorText(status, v));
        else parts.push(String(v));
      });
      if (parts.length) return parts.join(" ");
    }
    if (status === 403) return "You may not label this rep.";
    if (status === 404) return "This rep is not visible to you any more.";
    return "The label was not saved (HTTP " + status + ").";
  }

  function post(repId, label, faults, note) {
    return fetch("/api/reps/" + repId + "/label/", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ label: label, faults: faults || [], note: note || "" })
    }).then(function (r) {
      return r.json().catch(function () { return null; }).then(function (body) {
        if (!r.ok) throw new Error(errorText(r.status, body));
        return body;
      });
    }, function () { throw new Error("The server did not answer; the label was not saved."); });
  }

  function faultName(value) {
    var chip = document.querySelector("[data-fault='" + value + "']");
    return chip ? (chip.dataset.faultLabel || value) : value.replace(/_/g, " ");
  }

  /* "good — rounded back, jerky" (or "not labelled yet") */
  function text(state) {
    if (!state || !state.label) return "not labelled yet";
    var s = state.label;
    if (state.faults && state.faults.length) s += " — " + state.faults.map(faultName).join(", ");
    return s;
  }

  /* Controller of one label box; the queue re-points it at each rep with setRep. */
  function Box(el, opts) {
    opts = opts || {};
    var self = this;
    this.el = el;
    this.repId = el.dataset.labelRep;
    this.busy = false;
    this.onLabelled = opts.onLabelled || null;
    // The label's text may sit outside the box (the queue shows it beside the verdict).
    this.textEl = opts.textEl || el.querySelector("[data-label-text]");
    this.pending = null;  // a label to save once the one being saved is stored
    el.addEventListener("click", function (ev) {
      var act = ev.target.closest("[data-label-act]");
      var chip = ev.target.closest("[data-fault]");
      if (act) { ev.preventDefault(); self.submit(act.dataset.labelAct); }
      else if (chip) { ev.preventDefault(); self.toggle(chip.dataset.fault); }
    });
    var note = el.querySelector("[data-label-note]");
    if (note) note.addEventListener("change", function () { self.saveNote(); });
    // What the page was rendered with is what is stored (the queue's setRep replaces it).
    var by = el.querySelector("[data-label-by]");
    this.saved = { label: this.chosen(), faults: this.faults(), label_note: this.note(),
                   labelled_by: by ? by.textContent.replace(/^by /, "") : "" };
  }
  // The label chosen on the box (its pressed Good/Anomalous button), or null.
  Box.prototype.chosen = function () {
    var on = this.el.querySelector("[data-label-act].selected");
    return on ? on.dataset.labelAct : null;
  };
  // The chips shown (a rep's lift offers its own faults' tags: the others are hidden).
  Box.prototype.chips = function () {
    return Array.prototype.slice.call(this.el.querySelectorAll("[data-fault]"))
      .filter(function (c) { return !c.hidden; });
  };
  Box.prototype.faults = function () {
    return this.chips().filter(function (c) { return c.getAttribute("aria-pressed") === "true"; })
      .map(function (c) { return c.dataset.fault; });
  };
  Box.prototype.toggle = function (value) {
    this.chips().forEach(function (c) {
      if (c.dataset.fault === value) c.setAttribute("aria-pressed", c.getAttribute("aria-pressed") === "true" ? "false" : "true");
    });
    var label = this.chosen();
    if (this.faults().length && label !== "anomalous") label = "anomalous";
    if (this.faults().indexOf("other") >= 0 && !this.note().trim()) {
      // "other" is stored with what it is: the note saves it when the coach leaves it.
      this.message("Say in the note what the other fault is: it is saved when you leave the note.", "");
      return;
    }
    if (label) this.submit(label, { auto: true });
  };
  // The note is saved under the label chosen; with none yet, it goes with the first one.
  Box.prototype.saveNote = function () {
    var label = this.chosen();
    if (label) this.submit(label, { auto: true });
    else this.message("Choose Good or Anomalous: the note is saved with the label.", "");
  };
  Box.prototype.toggleNth = function (n) {
    var chip = this.chips()[n];
    if (chip) this.toggle(chip.dataset.fault);
  };
  Box.prototype.note = function () {
    var input = this.el.querySelector("[data-label-note]");
    return input ? input.value : "";
  };
  Box.prototype.message = function (msg, kind) {
    var out = this.el.querySelector("[data-label-msg]");
    if (!out) return;
    out.textContent = msg || "";
    out.className = "label-msg" + (kind ? " label-msg-" + kind : "");
  };
  /* Show a rep's current label: the text, the chips pressed, the note (`typing`: a saved
     label coming back leaves a note being typed as it is; leaving it saves it). */
  Box.prototype.show = function (state, typing) {
    state = state || {};
    this.saved = state;  // what is stored: a refused change goes back to it
    var t = this.textEl;
    if (t) {
      t.textContent = text(state);
      t.className = "badge label-badge " + (state.label ? "label-" + state.label : "label-none");
    }
    var by = this.el.querySelector("[data-label-by]");
    if (by) by.textContent = state.label && state.labelled_by ? "by " + state.labelled_by : "";
    this.el.querySelectorAll("[data-label-act]").forEach(function (b) {
      b.classList.toggle("selected", b.dataset.labelAct === state.label);
    });
    var faults = state.faults || [];
    this.chips().forEach(function (c) { c.setAttribute("aria-pressed", faults.indexOf(c.dataset.fault) >= 0 ? "true" : "false"); });
    var note = this.el.querySelector("[data-label-note]");
    if (note && !(typing && document.activeElement === note)) note.value = state.label_note || "";
    this.el.classList.toggle("is-labelled", !!state.label);
  };
  Box.prototype.setRep = function (repId, state) {
    this.repId = String(repId);
    this.pending = null;
    this.el.dataset.labelRep = this.repId;
    this.message("");
    this.show(state);
  };
  /* Save the box's state under `label`; opts.auto: saved as a tag or the note changed (the
     queue moves on only after Good or Anomalous). The buttons show the label at once. */
  Box.prototype.submit = function (label, opts) {
    var self = this;
    opts = opts || {};
    if (!this.repId) return Promise.resolve(null);
    this.el.querySelectorAll("[data-label-act]").forEach(function (b) {
      b.classList.toggle("selected", b.dataset.labelAct === label);
    });
    if (this.busy) {  // saved when the one being saved is stored, with the box's state then
      this.pending = { label: label, auto: !!opts.auto && (!this.pending || this.pending.auto) };
      return Promise.resolve(null);
    }
    this.busy = true;
    this.el.classList.add("is-busy");
    this.message("Saving…", "");
    var repId = this.repId;
    return post(repId, label, this.faults(), this.note()).then(function (rep) {
      var next = self.repId === repId ? self.pending : null;
      if (self.repId === repId && !next) {
        self.show(rep, true);
        self.message("Labelled " + text(rep) + " by " + (rep.labelled_by || "you") + ".", "ok");
      }
      if (self.onLabelled) self.onLabelled(rep, repId, !!opts.auto || !!next);
      return rep;
    }, function (error) {
      if (self.repId === repId) {
        // The label shown is the stored one; the tags and note stay as chosen, with the
        // sentence saying what is missing (the next save sends them).
        var stored = (self.saved || {}).label;
        self.el.querySelectorAll("[data-label-act]").forEach(function (b) {
          b.classList.toggle("selected", b.dataset.labelAct === stored);
        });
        if (self.pending && self.pending.auto) self.pending = null;  // a Good or Anomalous stays
      }
      self.message(error.message, "error");
      return null;
    }).then(function (rep) {
      self.busy = false;
      self.el.classList.remove("is-busy");
      var next = self.pending;
      self.pending = null;
      if (next && self.repId === repId) return self.submit(next.label, { auto: next.auto });
      return rep;
    });
  };

  /* Every label box on the page gets its own controller (the review page's rep cards). */
  function bindAll(root, opts) {
    return Array.prototype.slice.call((root || document).querySelectorAll("[data-label-rep]"))
      .filter(function (el) { return el.querySelector("[data-label-act]"); })
      .map(function (el) { return new Box(el, opts); });
  }

  /* What a rep's verdict badge says (templates/analysis/_verdict.html): its outcome. */
  function outcomeText(rep) {
    if (rep.outcome === "good") return "good";
    if (rep.outcome === "faults") return rep.outcome_faults && rep.outcome_faults.length ? rep.outcome_faults.map(faultName).join(", ").toLowerCase() : "form fault";
    if (rep.outcome === "unusual") return "unusual movement";
    return rep.not_judged_reason ? "not judged" : "not judged yet";
  }

  window.Labels = { post: post, text: text, outcomeText: outcomeText, Box: Box, bindAll: bindAll, csrfToken: csrfToken };
})();
