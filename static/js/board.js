// The board: live waiting timers with warnings, alerts that sound once and wait for an
// acknowledgement, and a Leaflet map redrawn after each poll.
(function () {
  "use strict";

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  function tickTimers() {
    var now = Date.now();
    document.querySelectorAll("tr.waiting-row").forEach(function (row) {
      var received = Number(row.dataset.received);
      if (!received) return;
      var seconds = Math.max(0, Math.floor((now - received) / 1000));
      var cell = row.querySelector(".timer");
      if (cell) cell.textContent = Math.floor(seconds / 60) + ":" + pad(seconds % 60);
      row.classList.toggle("overdue", seconds >= Number(row.dataset.warnAfter) * 60);
    });
  }

  var map = null;
  var layer = null;
  var unitItems = [];
  var boardData = null;
  var colours = { HEART: "#7b2cbf", CO_RESPONSE: "#0b5cad", CCD: "#00796b", POLICE: "#37474f",
                  FIRE: "#c62828", EMS: "#ef6c00" };

  // Names come from the database: always set as text, never as HTML.
  function text(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span;
  }

  function drawMap() {
    var el = document.getElementById("board-map");
    var dataEl = document.getElementById("board-data");
    if (!el || !dataEl || typeof L === "undefined") return;
    var data = JSON.parse(dataEl.textContent);
    boardData = data;
    if (!map) {
      map = L.map(el).setView(data.center, 13);
      if (data.tiles) L.tileLayer(data.tiles, { maxZoom: 19 }).addTo(map);
      // The department's own zones and streets, readable with no tile server (basemap.js).
      if (window.fifthBranchBasemap) window.fifthBranchBasemap(map, data.basemap);
      layer = L.layerGroup().addTo(map);
      // Open once on every open call (the centre's zoom 13 cut off those on the edge of
      // town); later polls keep whatever view the dispatcher has moved to.
      if (data.calls.length) {
        var bounds = L.latLngBounds(data.calls.map(function (c) { return [c.lat, c.lon]; }));
        bounds.extend(data.center);
        map.fitBounds(bounds, { padding: [40, 40], maxZoom: 14, animate: false });
      }
    }
    layer.clearLayers();
    data.calls.forEach(function (c) {
      L.circleMarker([c.lat, c.lon], { radius: 9, color: colours[c.route] || "#333",
        fillOpacity: c.waiting ? 0.9 : 0.35, weight: 3 })
        .bindTooltip(text(c.label + " · " + c.route + " " + c.priority)).addTo(layer);
    });
    unitItems = window.UnitMarkers ? window.UnitMarkers.draw(layer, data) : [];
  }

  // The units' position ages tick with the timers: the poll answers 204 while nothing changes.
  function tickPositions() {
    if (!boardData || !window.UnitMarkers) return;
    var now = window.UnitMarkers.clock(boardData)();
    unitItems.forEach(function (item) {
      window.UnitMarkers.refresh(item, now, boardData.stale_after_ms);
    });
    window.UnitMarkers.refreshAges(document, boardData);
  }

  // Alerts (docs/calls.md): a backup request or a call waiting past its warning that nobody
  // acknowledged. Each new one plays the chime once and, when the dispatcher allowed it,
  // raises a desktop notification; the board shows it until someone acknowledges it.
  var ASKED_KEY = "fifth-branch.notify-asked";
  var announced = {};

  function raisedAlerts() {
    var raised = [];
    document.querySelectorAll("[data-alert]").forEach(function (el) {
      // A waiting row raises its alert once it turns red; an alert card is raised already.
      if (el.classList.contains("waiting-row") && !el.classList.contains("overdue")) return;
      raised.push(el);
    });
    return raised;
  }

  function announce() {
    var fresh = raisedAlerts().filter(function (el) { return !announced[el.dataset.alert]; });
    if (!fresh.length) return;
    fresh.forEach(function (el) { announced[el.dataset.alert] = true; });
    var sound = document.getElementById("alert-sound");
    if (sound) {
      sound.currentTime = 0;
      var playing = sound.play();
      // A browser refuses sound before the first click on the page: the alert stays visible.
      if (playing && playing.catch) playing.catch(function () {});
    }
    document.body.dataset.alertsAnnounced = String(Object.keys(announced).length);
    if (window.Notification && Notification.permission === "granted") {
      fresh.forEach(function (el) {
        new Notification("Fifth Branch board", { body: el.dataset.alertText || "Alert",
                                                 tag: el.dataset.alert });
      });
    }
  }

  // The browser's permission is asked once, from a button (browsers refuse to ask without a
  // click), and the asking is remembered: the button does not come back after an answer.
  function setUpNotifyButton() {
    var button = document.getElementById("notify-permission");
    if (!button || !window.Notification) return;
    var asked = window.localStorage && localStorage.getItem(ASKED_KEY);
    if (Notification.permission !== "default" || asked) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      if (window.localStorage) localStorage.setItem(ASKED_KEY, "1");
      button.hidden = true;
      Notification.requestPermission();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    tickTimers();
    drawMap();
    tickPositions();
    setUpNotifyButton();
    announce();
    setInterval(function () { tickTimers(); tickPositions(); announce(); }, 1000);
  });
  document.addEventListener("htmx:afterSwap", function () {
    tickTimers(); drawMap(); tickPositions(); announce();
  });
})();
