// The call page's map: the call's point, every unit at its last position with its age, the
// department's base layer, and (for a dispatcher) a click that sets the call's point in the
// form below it (saved by its button; the form works typed, without this script).
(function () {
  "use strict";

  var colours = { HEART: "#7b2cbf", CO_RESPONSE: "#0b5cad", CCD: "#00796b", POLICE: "#37474f",
                  FIRE: "#c62828", EMS: "#ef6c00" };

  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("call-map");
    var dataEl = document.getElementById("call-map-data");
    if (!el || !dataEl || typeof L === "undefined") return;
    var data = JSON.parse(dataEl.textContent);
    var centre = data.call ? [data.call.lat, data.call.lon] : data.center;
    var map = L.map(el).setView(centre, data.call ? 15 : 13);
    if (data.tiles) L.tileLayer(data.tiles, { maxZoom: 19 }).addTo(map);
    if (window.fifthBranchBasemap && data.basemap) window.fifthBranchBasemap(map, data.basemap);
    var layer = L.layerGroup().addTo(map);
    var marker = null;
    if (data.call) {
      var label = document.createElement("span");
      label.textContent = data.call.label + " · " + data.call.route;
      marker = L.circleMarker(centre, { radius: 10, color: colours[data.call.route] || "#333",
        fillOpacity: 0.9, weight: 3 }).bindTooltip(label).addTo(layer);
    }
    // Frame the call with the two nearest units of its route, which the dispatcher chooses
    // among; the call alone (a CCD call: no such unit drawn) keeps the street-level view.
    if (data.call) {
      var away = function (u) {
        return Math.pow(u.lat - centre[0], 2) + Math.pow((u.lon - centre[1]) * 0.81, 2);
      };
      var near = (data.units || [])
        .filter(function (u) { return u.kind === data.call.route; })
        .sort(function (a, b) { return away(a) - away(b); })
        .slice(0, 2);
      if (near.length) {
        var bounds = L.latLngBounds([centre]);
        near.forEach(function (u) { bounds.extend([u.lat, u.lon]); });
        // At once, not animated: the page opens on its final view.
        map.fitBounds(bounds, { padding: [40, 40], maxZoom: 15, animate: false });
      }
    }
    if (window.UnitMarkers) {
      var items = window.UnitMarkers.draw(layer, data);
      var now = window.UnitMarkers.clock(data);
      setInterval(function () {
        items.forEach(function (item) {
          window.UnitMarkers.refresh(item, now(), data.stale_after_ms);
        });
      }, 1000);
    }
    // Placing the call: only where the page offers the form (a dispatcher, an open call).
    var lat = document.getElementById("locate-lat");
    var lon = document.getElementById("locate-lon");
    if (!lat || !lon) return;
    map.on("click", function (event) {
      lat.value = event.latlng.lat.toFixed(6);
      lon.value = event.latlng.lng.toFixed(6);
      if (marker) marker.setLatLng(event.latlng);
      else marker = L.circleMarker(event.latlng, { radius: 10, color: "#333", weight: 3 }).addTo(layer);
    });
  });
})();
