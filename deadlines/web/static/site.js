// The one thing scripts do here: pre-fill the visitor's time zone. Every page works without it.
(function () {
  // Pre-fill the visitor's time zone where a form asks for one and it is still empty.
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  document.querySelectorAll("input[data-prefill-zone]").forEach(function (input) {
    if (!input.value && zone) { input.value = zone; }
  });
})();
