// While a resource of the dataset loads, fetch the page again every three seconds and put the fresh
// load status and quality block in place; stop when no load is running any more.
(function () {
  "use strict";
  var IDS = ["load-status", "qualite"];
  function poll() {
    var box = document.getElementById("load-status");
    if (!box || !box.hasAttribute("data-loading")) { return; }
    window.setTimeout(function () {
      fetch(window.location.href, {credentials: "same-origin", headers: {"Accept": "text/html"}})
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html === null) { return; }
          var fresh = new DOMParser().parseFromString(html, "text/html");
          IDS.forEach(function (id) {
            var now = document.getElementById(id), next = fresh.getElementById(id);
            if (now && next) { now.replaceWith(document.importNode(next, true)); }
          });
          poll();
        })
        .catch(function () { poll(); });
    }, 3000);
  }
  document.addEventListener("DOMContentLoaded", poll);
})();
