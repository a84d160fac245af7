// While a file loads, fetch the load panel again every two seconds and put it in place. When the load
// ends, the panel says so (its status line is a polite live region) and polling stops.
(function () {
  "use strict";
  function poll() {
    var panel = document.getElementById("ds-job");
    if (!panel || !panel.dataset.jobUrl) { return; }
    window.setTimeout(function () {
      fetch(panel.dataset.jobUrl, {credentials: "same-origin", headers: {"Accept": "text/html"}})
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html === null) { return; }
          var holder = document.createElement("div");
          holder.innerHTML = html.trim();
          var fresh = holder.firstElementChild;
          if (fresh) { panel.replaceWith(fresh); }
          poll();
        })
        .catch(function () { poll(); });
    }, 2000);
  }
  document.addEventListener("DOMContentLoaded", poll);
})();
