// The call page's map: the call's point and every unit at its last position, with its age.
(function () {
  "use strict";

  var colours = { HEART: "#7b2cbf", CO_RESPONSE: "#0b5cad", CCD: "#00796b", POLICE: "#37474f",
                  FIRE: "#c62828", EMS: "#ef6c00" };

  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("call-map");
    var dataEl = document.getElementById("call-map-data");
    if (!el || !dataEl || typeof L === "undefined" || !window.UnitMarkers) return;
    var data = JSON.parse(dataEl.textContent);
    var centre = data.call ? [data.call.lat, data.call.lon] : data.center;
    var map = L.map(el).setView(centre, 14);
    if (data.tiles) L.tileLayer(data.tiles, { maxZoom: 19 }).addTo(map);
    var layer = L.layerGroup().addTo(map);
    if (data.call) {
      var label = document.createElement("span");
      label.textContent = data.call.label + " · " + data.call.route;
      L.circleMarker(centre, { radius: 10, color: colours[data.call.route] || "#333",
        fillOpacity: 0.9, weight: 3 }).bindTooltip(label).addTo(layer);
    }
    var items = window.UnitMarkers.draw(layer, data);
    var now = window.UnitMarkers.clock(data);
    setInterval(function () {
      items.forEach(function (item) {
        window.UnitMarkers.refresh(item, now(), data.stale_after_ms);
      });
    }, 1000);
  });
})();
