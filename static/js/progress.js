/* An athlete's page: the progress charts (Charts.progress in charts.js), from the points the
   server put in the page (analysis/selectors/sessions.py: progress_points). The table of sets
   beside them is server-rendered and needs no script. */
(function () {
  "use strict";
  var data = document.getElementById("progress-data");
  if (data && window.Charts) Charts.progress(JSON.parse(data.textContent));
})();
