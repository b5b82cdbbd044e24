// The call page's map: the call's point, the base layer, and a click that sets the point in
// the form below it (saved by its button; the form works typed, without this script).
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("call-map");
    var dataEl = document.getElementById("call-map-data");
    var lat = document.getElementById("locate-lat");
    var lon = document.getElementById("locate-lon");
    if (!el || !dataEl || !lat || !lon || typeof L === "undefined") return;
    var data = JSON.parse(dataEl.textContent);
    var map = L.map(el).setView(data.point || data.center, data.point ? 16 : 13);
    if (data.tiles) L.tileLayer(data.tiles, { maxZoom: 19 }).addTo(map);
    if (window.fifthBranchBasemap) window.fifthBranchBasemap(map, data.basemap);
    var marker = data.point ? L.marker(data.point).addTo(map) : null;
    map.on("click", function (event) {
      var point = [event.latlng.lat.toFixed(6), event.latlng.lng.toFixed(6)];
      lat.value = point[0];
      lon.value = point[1];
      if (marker) marker.setLatLng(event.latlng);
      else marker = L.marker(event.latlng).addTo(map);
    });
  });
})();
