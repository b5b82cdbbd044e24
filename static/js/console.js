// Console-wide behaviour. No inline scripts anywhere (Content-Security-Policy).
(function () {
  "use strict";

  // The header clock shows the department's time zone, not the browser's.
  function startClock() {
    var el = document.querySelector("time.clock");
    if (!el) return;
    var fmt = new Intl.DateTimeFormat("en-GB", {
      timeZone: el.dataset.tz, hour: "2-digit", minute: "2-digit", second: "2-digit",
      hour12: false,
    });
    function tick() { el.textContent = fmt.format(new Date()); }
    tick();
    setInterval(tick, 1000);
  }

  document.addEventListener("DOMContentLoaded", startClock);
})();
