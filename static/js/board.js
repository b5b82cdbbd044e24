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
      layer = L.layerGroup().addTo(map);
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

  document.addEventListener("DOMContentLoaded", function () {
    tickTimers();
    drawMap();
    tickPositions();
    setInterval(function () { tickTimers(); tickPositions(); }, 1000);
  });
  document.addEventListener("htmx:afterSwap", function () {
    tickTimers(); drawMap(); tickPositions();
  });
})();
