/* Ouvert — site-wide progressive enhancement (loaded with defer on every page; no inline script under the CSP).
 * Without JavaScript every menu and filter stays open: this file only folds them away on narrow screens.
 *  - [data-menu]: the header; its [data-menu-button] shows or hides the menus it controls (aria-controls),
 *    announces the state with aria-expanded and closes on Escape, giving focus back to the button.
 *  - details[data-fold-on-phone]: a disclosure open on wide screens, closed by default on phones. */
(function () {
  "use strict";
  var phone = window.matchMedia("(max-width: 40rem)");
  var narrow = window.matchMedia("(max-width: 50rem)");

  function setupMenu(header) {
    var button = header.querySelector("[data-menu-button]");
    if (!button) { return; }
    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      header.classList.toggle("menu-open", open);
    }
    header.classList.add("menu-ready");
    setOpen(false);
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    header.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && header.classList.contains("menu-open") && phone.matches) {
        setOpen(false);
        button.focus();
      }
    });
  }

  function setupDisclosures() {
    var disclosures = document.querySelectorAll("details[data-fold-on-phone]");
    function apply() {
      for (var i = 0; i < disclosures.length; i++) { disclosures[i].open = !narrow.matches; }
    }
    if (!disclosures.length) { return; }
    apply();
    if (narrow.addEventListener) { narrow.addEventListener("change", apply); }
  }

  var header = document.querySelector("[data-menu]");
  if (header) { setupMenu(header); }
  setupDisclosures();
}());
