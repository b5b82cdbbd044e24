// Units at their last position on a Leaflet map (the board and the call page), each with the
// age of its position; a position older than UNIT_POSITION_STALE_MINUTES is drawn faded.
// Ages are counted from the server's clock at render time (data.server_ms), so a browser whose
// clock is off still shows the true age. No HTML from the data: names are set as text.
(function () {
  "use strict";

  function ageText(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    if (s < 60) return s + " s";
    if (s < 3600) return Math.floor(s / 60) + " min";
    return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60) + " min";
  }

  // The server's now, as the browser's clock runs on from when the data was read.
  function clock(data) {
    var offset = Date.now() - data.server_ms;
    return function () { return Date.now() - offset; };
  }

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span;
  }

  function describe(u, now, staleAfter) {
    if (u.position_ms === null) return { stale: true, age: "position time unknown" };
    var age = now - u.position_ms;
    return { stale: age > staleAfter, age: ageText(age) + " ago" };
  }

  // Draws `data.units` into `layer`; returns the markers so that ages can be refreshed.
  function draw(layer, data) {
    var now = clock(data);
    return data.units.map(function (u) {
      var el = document.createElement("span");
      var age = document.createElement("small");
      el.appendChild(document.createTextNode(u.name));
      el.appendChild(document.createTextNode(" "));
      el.appendChild(age);
      var marker = L.marker([u.lat, u.lon], {
        icon: L.divIcon({ className: "unit-marker " + u.kind, html: el, iconSize: null }),
        title: u.name, keyboard: true, alt: u.name,
      });
      marker.bindTooltip(text(u.name));
      marker.addTo(layer);
      var item = { unit: u, marker: marker, age: age };
      refresh(item, now(), data.stale_after_ms);
      return item;
    });
  }

  function refresh(item, now, staleAfter) {
    var d = describe(item.unit, now, staleAfter);
    var u = item.unit;
    item.age.textContent = d.age.replace(" ago", "");
    var icon = item.marker.getElement();
    if (icon) icon.classList.toggle("stale", d.stale);
    item.marker.setOpacity(d.stale ? 0.45 : 1);
    var accuracy = u.accuracy_m !== null ? " ±" + Math.round(u.accuracy_m) + " m" : "";
    item.marker.setTooltipContent(text(u.name + " · " + u.status + " · position " + d.age +
      accuracy + (d.stale ? " (stale: not used for nearest)" : "")));
  }

  // Every element with data-position-ms shows the age of that position as text.
  function refreshAges(root, data) {
    var now = clock(data)();
    root.querySelectorAll("[data-position-ms]").forEach(function (el) {
      var ms = Number(el.dataset.positionMs);
      if (!ms) return;
      var age = now - ms;
      el.textContent = "position " + ageText(age) + " ago" +
        (age > data.stale_after_ms ? " (stale)" : "");
      el.classList.toggle("stale", age > data.stale_after_ms);
    });
  }

  window.UnitMarkers = { draw: draw, refresh: refresh, clock: clock, refreshAges: refreshAges };
})();
