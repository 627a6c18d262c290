/* The review page, for someone who may label its reps: the label controls on the rep cards. */
(function () {
  "use strict";
  var cards = document.querySelector(".rep-cards");
  if (cards) Labels.bindAll(cards);
})();
