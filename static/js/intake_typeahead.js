// Intake by keyboard: the address type-ahead over the geocoder (/api/v1/geocode/) and the
// call type completed from its first letters.
//
// Address: typing asks the geocoder (150 ms after the last key); the first match is active;
// Down/Up move, Enter picks, Escape closes. A pick fills the address, the point, the zone and
// the location's source, then moves on to the callback number. Typing over a picked address
// drops its point: the location is unverified again until a new pick (or typed coordinates).
// Call type: leaving the field (Tab) with the first letters of one entry of the list
// ("wel") completes it to that entry ("WELFARE_CHECK — Welfare check").
(function () {
  "use strict";

  function byId(id) { return document.getElementById(id); }

  function startAddress() {
    var input = byId("id_address");
    var list = byId("address-options");
    var status = byId("address-status");
    if (!input || !list) return;
    var lat = byId("id_lat"), lon = byId("id_lon"), zone = byId("id_zone");
    var source = byId("id_location_source");
    var results = [];
    var active = -1;
    var timer = null;
    var asked = 0;
    var picked = source && source.value ? input.value : null;

    function say(text) { if (status) status.textContent = text; }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function show(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (li, i) {
        li.setAttribute("aria-selected", i === index ? "true" : "false");
        li.classList.toggle("active", i === index);
      });
      if (index >= 0) input.setAttribute("aria-activedescendant", "address-option-" + index);
    }

    function render() {
      list.textContent = "";
      results.forEach(function (r, i) {
        var li = document.createElement("li");
        li.id = "address-option-" + i;
        li.setAttribute("role", "option");
        // Text, never HTML: addresses come from a file someone imported.
        li.textContent = r.address + (r.zone ? " · zone " + r.zone : "") +
          (r.match === "street" ? " · street" : "");
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();
          pick(i);
        });
        list.appendChild(li);
      });
      if (results.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        show(0);
      } else {
        close();
      }
    }

    function fire(el) { el.dispatchEvent(new Event("change", { bubbles: true })); }

    function pick(index) {
      var r = results[index];
      if (!r) return;
      input.value = r.address;
      picked = r.address;
      if (lat) lat.value = r.lat;
      if (lon) lon.value = r.lon;
      if (zone) zone.value = r.zone || "";
      if (source) source.value = r.match;
      close();
      say("Point " + r.lat + ", " + r.lon + (r.zone ? " · zone " + r.zone : "") +
          (r.match === "street" ? " (street match: confirm the number)" : ""));
      fire(input);
      var next = byId("id_callback_number");
      if (next) next.focus();
    }

    function forget() {
      // The text no longer says the picked address: its point is not this place's.
      if (picked === null || input.value === picked) return;
      picked = null;
      if (lat) lat.value = "";
      if (lon) lon.value = "";
      if (zone) zone.value = "";
      if (source) source.value = "";
      say("No point yet: pick a match, or describe the place below " +
          "(saved as an unverified location).");
    }

    function ask() {
      var q = input.value.trim();
      if (q.length < 3) { results = []; render(); return; }
      var mine = ++asked;
      var url = input.dataset.geocodeUrl + "?limit=5&q=" + encodeURIComponent(q);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (body) {
          if (mine !== asked) return; // an older answer arriving late
          results = body.results || [];
          render();
          if (!results.length) say("No match in the address data: describe the place below.");
        })
        .catch(function () { /* offline: the address is kept as typed */ });
    }

    input.addEventListener("input", function () {
      forget();
      clearTimeout(timer);
      timer = setTimeout(ask, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden || !results.length) return;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        show((active + 1) % results.length);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        show((active - 1 + results.length) % results.length);
      } else if (event.key === "Enter" && !event.ctrlKey && !event.metaKey) {
        event.preventDefault();
        pick(active < 0 ? 0 : active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  function startCallType() {
    var input = byId("id_call_type");
    var options = byId("call-types");
    if (!input || !options) return;
    input.addEventListener("blur", function () {
      var typed = input.value.trim().toUpperCase();
      if (!typed) return;
      var values = Array.prototype.map.call(options.options, function (o) { return o.value; });
      // A whole code, label or mapped label is kept as typed: only a beginning is completed.
      var whole = values.some(function (v) {
        var upper = v.toUpperCase();
        return upper === typed || upper.split(" — ")[0] === typed ||
          upper.split(" — ")[1] === typed;
      });
      if (whole) return;
      var match = null;
      for (var i = 0; i < values.length && match === null; i++) {
        if (values[i].toUpperCase().indexOf(typed) === 0) match = values[i];
      }
      if (match !== null) {
        input.value = match;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    startAddress();
    startCallType();
  });
})();
