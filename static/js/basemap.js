// The department's own base layer: its zones (beats) and the streets of its address data,
// from /api/v1/basemap/ (GeoJSON), drawn under everything else, so that a map is readable
// with no tile server. Loaded once per page; street names show on hover.
(function () {
  "use strict";

  function styleOf(feature) {
    if (feature.properties.kind === "zone") {
      return { color: "#5b6570", weight: 1.5, dashArray: "4 4", fillOpacity: 0.04 };
    }
    return { color: "#8a96a3", weight: 2, opacity: 0.9 };
  }

  window.fifthBranchBasemap = function (map, url) {
    if (!url || typeof L === "undefined") return;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body) return;
        var pane = map.getPane("basemap") || map.createPane("basemap");
        pane.style.zIndex = 250; // under overlays (400) and markers (600)
        L.geoJSON(body, {
          pane: "basemap",
          style: styleOf,
          onEachFeature: function (feature, layer) {
            var label = document.createElement("span");
            label.textContent = (feature.properties.kind === "zone" ? "Zone " : "") +
              feature.properties.name;
            layer.bindTooltip(label, { sticky: true });
          },
        }).addTo(map);
      })
      .catch(function () { /* no base layer: the calls and units still show */ });
  };
})();
