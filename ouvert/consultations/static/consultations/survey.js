// Survey page: focus the error summary, and show each conditional question only when the answer it
// depends on is chosen. A file rather than an inline <script>: the Content-Security-Policy allows
// scripts from this site only (docs/security-http.md).
(function () {
  var summary = document.getElementById("erreurs");
  if (summary) { summary.focus(); }
  var form = document.querySelector("form.survey");
  function update() {
    document.querySelectorAll("[data-condition-name]").forEach(function (box) {
      var name = box.getAttribute("data-condition-name"), wanted = box.getAttribute("data-condition-value");
      var shown = Array.prototype.some.call(form.querySelectorAll("[name='" + name + "']"), function (input) {
        if (input.type === "radio" || input.type === "checkbox") { return input.checked && input.value === wanted; }
        return input.value === wanted;
      });
      box.hidden = !shown;
    });
  }
  form.addEventListener("change", update);
  update();
})();
