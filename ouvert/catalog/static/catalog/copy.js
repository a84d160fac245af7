// "Copy" buttons of the API panel: shown only where the clipboard can be written (they are hidden
// otherwise, and the code stays selectable by hand); the status line tells screen readers.
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) {
    return;
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var status = button.closest("section").querySelector("[data-copy-status]");
    button.hidden = false;
    button.addEventListener("click", function () {
      var code = document.getElementById(button.dataset.copy);
      navigator.clipboard.writeText(code.textContent).then(function () {
        if (status) {
          status.textContent = button.dataset.copied;
        }
      });
    });
  });
})();
