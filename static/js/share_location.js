// The responder's phone shares its unit's position while on duty (docs/location.md, "Unit
// positions (AVL)"): navigator.geolocation.watchPosition, posted to
// POST /api/v1/units/{id}/position/ with the session and its CSRF token. At most one post every
// 15 s unless the phone moved 50 m; a fix is sent again every 60 s when standing still, so
// that a team waiting on scene does not fade on the board. Stopping is remembered on the phone.
(function () {
  "use strict";

  var MIN_INTERVAL_MS = 15000;
  var MIN_MOVE_M = 50;
  var RESEND_MS = 60000;
  var STOPPED_KEY = "fifth-branch.location-stopped";

  function metres(a, b) {
    var r = 6371000, rad = Math.PI / 180;
    var dLat = (b.lat - a.lat) * rad, dLon = (b.lon - a.lon) * rad;
    var h = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
      Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return 2 * r * Math.asin(Math.sqrt(h));
  }

  function start(root) {
    var indicator = root.querySelector(".indicator");
    var button = root.querySelector("button");
    var csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
    var url = root.dataset.url;
    var watchId = null, lastSent = null, lastSentAt = 0, latest = null, problem = "";

    function show() {
      indicator.classList.toggle("on", watchId !== null && !problem);
      indicator.classList.toggle("off", watchId === null);
      indicator.classList.toggle("error", !!problem);
      if (watchId === null) {
        indicator.textContent = problem || "Location not shared";
        button.textContent = "Share my location";
      } else {
        var sent = lastSentAt
          ? "last sent " + Math.max(0, Math.round((Date.now() - lastSentAt) / 1000)) + " s ago"
          : "waiting for a fix";
        indicator.textContent = problem || "Sharing location · " + sent;
        button.textContent = "Stop sharing location";
      }
      root.dataset.state = watchId === null ? "off" : (problem ? "error" : "on");
    }

    function send(fix) {
      var body = { lat: fix.lat, lon: fix.lon };
      if (fix.accuracy !== null) body.accuracy_m = Math.min(fix.accuracy, 100000);
      lastSent = fix;
      lastSentAt = Date.now();
      // Through the responder app's queue when the page has one (static/js/responder.js): a
      // point taken without signal waits on the phone, and only the newest is sent.
      if (window.FifthBranchQueue) {
        window.FifthBranchQueue.add("position", body, "Position").then(function () {
          problem = navigator.onLine === false ? "Location kept on the phone: no connection" : "";
          show();
        });
        return;
      }
      // The server stamps the time: a phone's clock may be off, its fix is a moment old.
      fetch(url, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify(body),
      }).then(function (response) {
        problem = response.ok ? "" : "Location not sent (" + response.status + ")";
        show();
      }, function () {
        problem = "Location not sent: no connection; trying again";
        lastSentAt = 0;
        show();
      });
    }

    function onFix(position) {
      latest = { lat: position.coords.latitude, lon: position.coords.longitude,
                 accuracy: position.coords.accuracy };
      var due = Date.now() - lastSentAt >= MIN_INTERVAL_MS;
      if (!lastSent || due || metres(lastSent, latest) >= MIN_MOVE_M) send(latest);
      show();
    }

    function onError(error) {
      problem = error.code === 1
        ? "Location blocked: allow it for this site in the browser's settings"
        : "No location fix yet (" + error.message + ")";
      if (error.code === 1) stop(false);
      show();
    }

    function begin() {
      if (!navigator.geolocation) { problem = "This browser cannot share its location"; show(); return; }
      problem = "";
      watchId = navigator.geolocation.watchPosition(onFix, onError,
        { enableHighAccuracy: true, maximumAge: 10000, timeout: 30000 });
      localStorage.removeItem(STOPPED_KEY);
      show();
    }

    function stop(remember) {
      if (watchId !== null) navigator.geolocation.clearWatch(watchId);
      watchId = null;
      lastSent = null;
      lastSentAt = 0;
      if (remember) localStorage.setItem(STOPPED_KEY, "1");
      show();
    }

    button.addEventListener("click", function () {
      if (watchId === null) begin(); else stop(true);
    });
    setInterval(function () {
      if (watchId !== null && latest && Date.now() - lastSentAt >= RESEND_MS) send(latest);
      show();
    }, 1000);
    root.hidden = false;
    if (root.dataset.onDuty === "yes" && !localStorage.getItem(STOPPED_KEY)) begin(); else show();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("location-sharing");
    if (root) start(root);
  });
})();
