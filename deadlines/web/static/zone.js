// Times "for you" without typing: the browser's time zone goes into the `tz` cookie, and a page
// that shows times is loaded once more so the server can show them in it. A zone the visitor
// picked by hand (a `tz` cookie that `tzauto` does not match) is left alone, and a tab reloads at
// most once per zone, so refused cookies or an unknown zone can never loop. Pages work without it.
(function () {
  function cookie(name) {
    var m = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return m ? m[1].replace(/^"|"$/g, "") : "";
  }
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return; }
  if (!/^[A-Za-z0-9_+\-\/]{1,64}$/.test(zone)) { return; }
  var current = cookie("tz");
  if (current === zone || (current && current !== cookie("tzauto"))) { return; }
  var attrs = "; path=/; max-age=31536000; samesite=lax" + (location.protocol === "https:" ? "; secure" : "");
  document.cookie = "tz=" + zone + attrs;
  document.cookie = "tzauto=" + zone + attrs;
  if (cookie("tz") !== zone || !document.querySelector("[data-reload-for-zone]")) { return; }
  try {
    if (sessionStorage.getItem("tz-reloaded") === zone) { return; }
    sessionStorage.setItem("tz-reloaded", zone);
  } catch (e) { return; }
  location.reload();
})();
