// The review page's "Trim" form (templates/analysis/_fix_set.html): "Set start here" and
// "Set end here" write the player's current time into the form, in seconds of the video as
// the analysis counts them (the played file's clock less its first frame's time); "Whole
// video" empties both. The form itself is an ordinary POST.
(function () {
  "use strict";
  var form = document.querySelector("[data-trim-form]");
  if (!form) return;
  var offset = parseFloat(form.getAttribute("data-start-offset")) || 0;

  function player() {
    return document.querySelector("video.player");
  }

  var buttons = form.querySelectorAll("[data-trim-set]");
  for (var i = 0; i < buttons.length; i++) {
    var button = buttons[i];
    if (!player()) button.disabled = true; // no video on the page (a copy being made)
    button.addEventListener("click", function (event) {
      var video = player();
      if (!video) return;
      var which = event.currentTarget.getAttribute("data-trim-set");
      var input = form.querySelector("input[name=trim_" + which + "_s]");
      input.value = Math.max(0, video.currentTime - offset).toFixed(2);
    });
  }

  var clear = form.querySelector("[data-trim-clear]");
  if (clear) {
    clear.addEventListener("click", function () {
      var inputs = form.querySelectorAll("input[type=number]");
      for (var j = 0; j < inputs.length; j++) inputs[j].value = "";
    });
  }
})();
