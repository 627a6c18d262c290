/* One keyboard map for the review, queue and compare pages: the same key does the same thing
   on every page. A page registers the actions it supports:

     Keys.register({ play: toggle, "frame-back": function () { step(-1); }, ...,
                     fault: { run: function (n) { ... }, detail: "1 rounded back, ..." } });

   and this script listens for the keys (never while someone types in a field, nor with
   ctrl/meta/alt), opens a dialog with `?` that lists the page's keys, and fills the page's
   hints from the same table, so what the list says and what the keys do cannot drift:
     [data-keys-hint]      a one-line summary and a "Keys ?" button
     [data-keys-open]      a button that opens the dialog (shown once the page has keys)
     [data-key-of=action]  a <kbd> showing the action's key */
(function () {
  "use strict";

  var GROUPS = ["Playback", "Reps", "Labels", "View"];
  // key: ev.key values (letters in lower case); shown: how the keys are written; short: the
  // summary line's words; text: the dialog's sentence. `digits` (fault tags): Shift + 1..N,
  // matched on ev.code so the layout's shifted symbol does not matter.
  var MAP = [
    { action: "play", group: "Playback", keys: [" ", "k"], shown: ["Space", "K"], short: "play", text: "play / pause" },
    { action: "frame-back", group: "Playback", keys: ["ArrowLeft", ","], shown: ["←", ","], short: "frame back", text: "one frame back" },
    { action: "frame-forward", group: "Playback", keys: ["ArrowRight", "."], shown: ["→", "."], short: "frame forward", text: "one frame forward" },
    { action: "back-1s", group: "Playback", keys: ["j"], shown: ["J"], short: "−1 s", text: "back 1 second" },
    { action: "forward-1s", group: "Playback", keys: ["l"], shown: ["L"], short: "+1 s", text: "forward 1 second" },
    { action: "restart", group: "Playback", keys: ["r"], shown: ["R"], short: "restart", text: "back to the start of the rep" },
    { action: "speed-0.25", group: "Playback", keys: ["1"], shown: ["1"], short: "0.25×", text: "slow motion 0.25×" },
    { action: "speed-0.5", group: "Playback", keys: ["2"], shown: ["2"], short: "0.5×", text: "slow motion 0.5×" },
    { action: "speed-1", group: "Playback", keys: ["3"], shown: ["3"], short: "1×", text: "normal speed 1×" },
    { action: "prev-rep", group: "Reps", keys: ["["], shown: ["["], short: "previous rep", text: "previous rep" },
    { action: "next-rep", group: "Reps", keys: ["]"], shown: ["]"], short: "next rep", text: "next rep" },
    { action: "good", group: "Labels", keys: ["g"], shown: ["G"], short: "good", text: "label good (with the selected fault tags), then the next rep" },
    { action: "anomalous", group: "Labels", keys: ["a"], shown: ["A"], short: "anomalous", text: "label anomalous (with the selected fault tags), then the next rep" },
    { action: "fault", group: "Labels", digits: 7, shown: ["⇧1", "⇧7"], range: true, short: "fault tag", text: "Shift + a number toggles that fault tag" },
    { action: "note", group: "Labels", keys: ["n"], shown: ["N"], short: "note", text: "write a note (Esc leaves the note)" },
    { action: "drawing", group: "View", keys: ["o"], shown: ["O"], short: "drawing", text: "drawing over the video on / off" },
    { action: "help", group: "View", keys: ["?"], shown: ["?"], short: "all keys", text: "this list of keys (Esc closes it)" }
  ];
  // Pairs the summary line writes as one ("←/→ one frame") when the page has all of them.
  var COMBOS = [
    [["frame-back", "frame-forward"], "one frame"],
    [["back-1s", "forward-1s"], "−1 s / +1 s"],
    [["prev-rep", "next-rep"], "previous / next rep"],
    [["speed-0.25", "speed-0.5", "speed-1"], "speed 0.25× 0.5× 1×"],
    [["good", "anomalous"], "good / anomalous"]
  ];

  var byAction = {};
  MAP.forEach(function (e) { byAction[e.action] = e; });
  var handlers = {};  // action -> { run, detail }
  var dialog = null;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function kbds(shown, sep) {
    var span = el("span", "keys-keys");
    shown.forEach(function (k, i) {
      if (i) span.appendChild(document.createTextNode(sep));
      span.appendChild(el("kbd", "", k));
    });
    return span;
  }
  function supported(action) { return action === "help" ? hasKeys() : !!handlers[action]; }
  function hasKeys() { return Object.keys(handlers).length > 0; }

  // Which entry (and, for fault tags, which number) a key press means, or null.
  // Shift + a number key is a fault tag whatever the layout types (on AZERTY it types the
  // digit itself), so those are looked at first.
  function match(ev) {
    var digit = ev.shiftKey ? /^Digit([1-9])$/.exec(ev.code || "") : null;
    var key = ev.key && ev.key.length === 1 ? ev.key.toLowerCase() : ev.key;
    var i, e;
    for (i = 0; digit && i < MAP.length; i++) {
      e = MAP[i];
      if (e.digits && +digit[1] <= e.digits) return { entry: e, n: +digit[1] };
    }
    for (i = 0; i < MAP.length; i++) {
      e = MAP[i];
      if (e.keys && e.keys.indexOf(key) >= 0) return { entry: e, n: null };
    }
    return null;
  }
  function typing(target) {
    if (!target || !target.closest) return false;
    return !!target.closest("input, textarea, select, [contenteditable=''], [contenteditable=true]");
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey || !hasKeys()) return;
    if (dialog && dialog.open) return;  // the dialog is modal: Esc closes it, Tab stays inside
    if (typing(ev.target)) return;
    var m = match(ev);
    if (!m) return;
    if (m.entry.action === "help") { ev.preventDefault(); open(); return; }
    var h = handlers[m.entry.action];
    if (!h) return;
    ev.preventDefault();
    h.run(m.n);
  });

  // --- the dialog -------------------------------------------------------------------------
  function build() {
    dialog = el("dialog", "keys-dialog");
    dialog.id = "keys-dialog";
    dialog.setAttribute("aria-labelledby", "keys-dialog-title");
    dialog.setAttribute("data-testid", "keys-dialog");
    var head = el("div", "keys-dialog-head");
    head.appendChild(el("h2", "", "Keyboard")).id = "keys-dialog-title";
    var close = el("button", "btn btn-small", "Close ");
    close.type = "button";
    close.setAttribute("data-testid", "keys-close");
    close.appendChild(el("kbd", "", "Esc"));
    close.addEventListener("click", function () { shut(); });
    head.appendChild(close);
    dialog.appendChild(head);
    dialog.appendChild(el("div", "keys-dialog-body"));
    dialog.appendChild(el("p", "muted small", "Keys do nothing while you type in a field."));
    // A click on the backdrop (outside the card) closes it too.
    dialog.addEventListener("click", function (ev) { if (ev.target === dialog) shut(); });
    // Tab goes round the dialog's own buttons: a modal dialog would let it leave for the
    // browser's address bar.
    dialog.addEventListener("keydown", function (ev) {
      if (ev.key !== "Tab") return;
      var stops = Array.prototype.slice.call(dialog.querySelectorAll("button, a[href]"));
      var at = stops.indexOf(document.activeElement);
      ev.preventDefault();
      stops[(at + (ev.shiftKey ? stops.length - 1 : 1) + stops.length) % stops.length].focus();
    });
    document.body.appendChild(dialog);
  }
  function fill() {
    var body = dialog.querySelector(".keys-dialog-body");
    body.textContent = "";
    GROUPS.forEach(function (group) {
      var entries = MAP.filter(function (e) { return e.group === group && supported(e.action); });
      if (!entries.length) return;
      var table = el("table", "table small keys-table");
      table.setAttribute("data-keys-group", group);
      table.appendChild(el("caption", "", group));
      var tbody = el("tbody");
      entries.forEach(function (e) {
        var tr = el("tr");
        tr.setAttribute("data-key-action", e.action);
        var keyCell = el("td", "keys-cell");
        keyCell.appendChild(kbds(e.shown, e.range ? " … " : " or "));
        var what = el("td", "", e.text);
        var h = handlers[e.action];
        if (h && h.detail) what.appendChild(el("span", "muted keys-detail", h.detail));
        tr.appendChild(keyCell);
        tr.appendChild(what);
        tbody.appendChild(tr);
      });
      table.appendChild(tbody);
      body.appendChild(table);
    });
  }
  function open() {
    if (!hasKeys()) return;
    if (!dialog) build();
    fill();
    if (dialog.open) return;
    if (dialog.showModal) dialog.showModal();  // modal: the page behind is inert, Esc closes
    else { dialog.setAttribute("open", ""); dialog.setAttribute("role", "dialog"); }
    dialog.querySelector("[data-testid=keys-close]").focus();
  }
  function shut() {
    if (!dialog || !dialog.open) return;
    if (dialog.close) dialog.close();
    else dialog.removeAttribute("open");
  }

  // --- hints on the page ------------------------------------------------------------------
  function summary(node) {
    node.textContent = "";
    var button = el("button", "btn btn-small btn-ghost keys-open", "Keys ");
    button.type = "button";
    button.setAttribute("data-keys-open", "");
    button.setAttribute("aria-haspopup", "dialog");
    button.appendChild(el("kbd", "", "?"));
    node.appendChild(button);
    var done = {}, parts = [];
    MAP.forEach(function (e) {
      if (done[e.action] || e.action === "help" || !supported(e.action)) return;
      var combo = COMBOS.filter(function (c) {
        return c[0].indexOf(e.action) >= 0 && c[0].every(supported);
      })[0];
      if (combo) {
        combo[0].forEach(function (a) { done[a] = true; });
        parts.push([combo[0].map(function (a) { return byAction[a].shown[0]; }), combo[1], "/"]);
      } else {
        done[e.action] = true;
        parts.push([e.shown, e.short, e.range ? "…" : "/"]);
      }
    });
    var line = el("span", "keys-summary");
    parts.forEach(function (p, i) {
      if (i) line.appendChild(document.createTextNode(" · "));
      line.appendChild(kbds(p[0], p[2]));
      line.appendChild(document.createTextNode(" " + p[1]));
    });
    node.appendChild(line);
  }
  function render() {
    var any = hasKeys();
    document.querySelectorAll("[data-keys-hint]").forEach(function (node) {
      if (any) summary(node);
      node.hidden = !any;
    });
    document.querySelectorAll("[data-keys-open]").forEach(function (b) { b.hidden = !any; });
    document.querySelectorAll("kbd[data-key-of]").forEach(function (k) {
      var e = byAction[k.getAttribute("data-key-of")];
      if (e) k.textContent = e.shown[0];
    });
  }
  document.addEventListener("click", function (ev) {
    if (ev.target.closest && ev.target.closest("[data-keys-open]")) { ev.preventDefault(); open(); }
  });

  /* Add the page's actions: { action: function (n) | { run, detail } }. */
  function register(actions) {
    Object.keys(actions).forEach(function (action) {
      if (!byAction[action]) throw new Error("keys.js: no key for the action " + action);
      var h = actions[action];
      handlers[action] = typeof h === "function" ? { run: h } : h;
    });
    render();
    if (dialog && dialog.open) fill();
  }
  /* How the action's key is written ("⇧3" for the third fault tag). */
  function shown(action, n) {
    var e = byAction[action];
    if (!e) return "";
    return e.digits ? "⇧" + n : e.shown[0];
  }

  window.Keys = { register: register, open: open, close: shut, shown: shown, map: MAP };
})();
