// The board: live waiting timers with warnings, and a Leaflet map redrawn after each poll.
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
    if (!map) {
      map = L.map(el).setView(data.center, 13);
      if (data.tiles) L.tileLayer(data.tiles, { maxZoom: 19 }).addTo(map);
      // The department's own zones and streets, readable with no tile server (basemap.js).
      if (window.fifthBranchBasemap) window.fifthBranchBasemap(map, data.basemap);
      layer = L.layerGroup().addTo(map);
    }
    layer.clearLayers();
    data.calls.forEach(function (c) {
      L.circleMarker([c.lat, c.lon], { radius: 9, color: colours[c.route] || "#333",
        fillOpacity: c.waiting ? 0.9 : 0.35, weight: 3 })
        .bindTooltip(text(c.label + " · " + c.route + " " + c.priority)).addTo(layer);
    });
    data.units.forEach(function (u) {
      L.marker([u.lat, u.lon], { icon: L.divIcon({ className: "unit-marker " + u.kind,
        html: text(u.name), iconSize: null }) })
        .bindTooltip(text(u.name + " · " + u.status)).addTo(layer);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    tickTimers();
    drawMap();
    setInterval(tickTimers, 1000);
  });
  document.addEventListener("htmx:afterSwap", function () { tickTimers(); drawMap(); });
})();
