/* An athlete's page: the progress charts, from the data the server put in the page. */
(function () {
  "use strict";
  var data = document.getElementById("progress-data");
  if (data) Charts.progress(JSON.parse(data.textContent));
})();
