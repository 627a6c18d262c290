/* The share page: "Copy" puts a link's full address on the clipboard, and selects it in its
   field: where a browser gives scripts no clipboard, a long press or Ctrl+C copies it. */
(function () {
  "use strict";

  function done(button, text) {
    var before = button.dataset.label || button.textContent;
    button.dataset.label = before;
    button.textContent = text;
    setTimeout(function () { button.textContent = before; }, 2000);
  }

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = button.parentNode.querySelector(".share-url");
    if (!field) return;
    field.addEventListener("focus", function () { field.select(); });
    button.addEventListener("click", function () {
      field.focus();
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(
          function () { done(button, "Copied"); },
          function () { done(button, "Selected: copy it"); }
        );
      } else {
        var ok = false;
        try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
        done(button, ok ? "Copied" : "Selected: copy it");
      }
    });
  });
})();
