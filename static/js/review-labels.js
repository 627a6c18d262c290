/* The review page, for someone who may label its reps: the label controls on the rep cards;
   a saved label shows at once in the rep's verdict badges (its card and the rep list). */
(function () {
  "use strict";
  var cards = document.querySelector(".rep-cards");
  if (!cards) return;
  Labels.bindAll(cards, {
    onLabelled: function (rep) {
      var card = document.getElementById("rep-" + rep.index);
      var badges = Array.prototype.slice.call(document.querySelectorAll("[data-testid=rep-item][data-rep='" + rep.index + "'] [data-testid=verdict]"));
      if (card) badges = badges.concat(Array.prototype.slice.call(card.querySelectorAll("header [data-testid=verdict]")));
      badges.forEach(function (b) {
        b.textContent = Labels.outcomeText(rep);
        b.className = "badge outcome-" + rep.outcome;
        b.title = rep.label ? "coach's label" : "form check and movement model";
      });
      if (card) card.className = card.className.replace(/outcome-border-\S+/, "outcome-border-" + rep.outcome);
    }
  });
})();
