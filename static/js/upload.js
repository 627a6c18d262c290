/* The upload page: say the upload is under way and stop a second submit while it runs. */
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form) return;
  form.addEventListener("submit", function () {
    document.getElementById("uploading").classList.remove("hidden");
    form.querySelector("button[type=submit]").disabled = true;
  });
})();
