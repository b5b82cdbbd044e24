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

  // Intake drafts (intake.js) hold callers' names and narratives in this tab's
  // sessionStorage. None outlives a sign-out on a shared workstation, and any page signed in
  // as someone else removes the drafts of the previous user (a session that ran out).
  var DRAFTS = "fifth-branch:intake-draft:";

  function dropDrafts(except) {
    var store;
    try {
      store = window.sessionStorage;
    } catch (e) {
      return;
    }
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (key && key.indexOf(DRAFTS) === 0 && key !== except) store.removeItem(key);
    }
  }

  function guardDrafts() {
    var user = document.body.dataset.user;
    if (user) dropDrafts(DRAFTS + user);
    document.addEventListener("submit", function (event) {
      if (event.target.hasAttribute("data-sign-out")) dropDrafts(null);
    });
  }

  document.addEventListener("DOMContentLoaded", startClock);
  document.addEventListener("DOMContentLoaded", guardDrafts);
})();
