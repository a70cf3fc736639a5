// Optional helpers; every page works without them.
(function () {
  // Pre-fill the visitor's time zone where a form asks for one and it is still empty.
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  document.querySelectorAll("input[data-prefill-zone]").forEach(function (input) {
    if (!input.value && zone) { input.value = zone; }
  });
  // "Copy the link" buttons copy their feed address.
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = button.getAttribute("data-copy");
      if (navigator.clipboard) {
        navigator.clipboard.writeText(text).then(function () { button.textContent = button.getAttribute("data-done"); });
      }
    });
  });
})();
