/* The coach's "Details" switch: the numbers behind each verdict (.details-only: scores,
   the counter's evidence, SkeleMotion images) shown or hidden, remembered per browser. */
(function () {
  "use strict";
  var box = document.querySelector("[data-details-switch]");
  if (!box) return;
  var KEY = "coach-details";
  function apply() {
    document.body.classList.toggle("show-details", box.checked);
    try { localStorage.setItem(KEY, box.checked ? "1" : "0"); } catch (e) { /* private mode */ }
  }
  try { box.checked = localStorage.getItem(KEY) === "1"; } catch (e) { box.checked = false; }
  box.addEventListener("change", apply);
  apply();
})();
