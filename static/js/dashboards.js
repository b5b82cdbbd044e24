// Supervisor dashboards: the charts, drawn from the JSON the page carries in
// <script type="application/json" id="dashboard-data"> (the CSP allows no inline script).
// Every number is also in a table on the page: the charts are a view, not the only copy.
(function () {
  "use strict";

  var colours = { HEART: "#7b2cbf", CO_RESPONSE: "#0b5cad", CCD: "#00796b", POLICE: "#37474f",
                  FIRE: "#c62828", EMS: "#ef6c00", none: "#9aa5b1" };

  function colour(route) { return colours[route] || "#5b6570"; }

  function go(url) { if (url) window.location.assign(url); }

  // A click on a bar opens the calls behind it.
  function drillOn(urlsFor) {
    return function (event, elements) {
      if (!elements.length) return;
      var hit = elements[0];
      go(urlsFor(hit.datasetIndex, hit.index));
    };
  }

  function base() {
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "nearest", intersect: true },
      plugins: { legend: { position: "bottom" } }
    };
  }

  function overTime(canvas, d) {
    var options = base();
    options.scales = { x: { stacked: true }, y: { stacked: true, beginAtZero: true,
      title: { display: true, text: "calls per " + d.unit } } };
    options.onClick = drillOn(function (ds, i) { return d.datasets[ds].urls[i]; });
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: d.labels,
        datasets: d.datasets.map(function (s) {
          return { label: s.label, data: s.data, backgroundColor: colour(s.route) };
        })
      },
      options: options
    });
  }

  function cumulative(canvas, d, axis) {
    var options = base();
    options.interaction = { mode: "index", intersect: false };
    options.scales = {
      x: { title: { display: true, text: axis } },
      y: { min: 0, max: 100, title: { display: true, text: "% of calls" } }
    };
    return new Chart(canvas, {
      type: "line",
      data: {
        labels: d.labels,
        datasets: d.datasets.map(function (s) {
          return { label: s.label, data: s.data, borderColor: colour(s.route),
                   backgroundColor: colour(s.route), pointRadius: 0, borderWidth: 2 };
        })
      },
      options: options
    });
  }

  function funnel(canvas, d) {
    var options = base();
    options.indexAxis = "y";
    options.plugins = { legend: { display: false } };
    options.scales = { x: { beginAtZero: true, title: { display: true, text: "cases" } } };
    options.onClick = drillOn(function (ds, i) { return d.urls[i]; });
    return new Chart(canvas, {
      type: "bar",
      data: { labels: d.labels,
              datasets: [{ label: "Cases", data: d.data, backgroundColor: "#0b5cad" }] },
      options: options
    });
  }

  function draw() {
    var source = document.getElementById("dashboard-data");
    if (!source || typeof Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var el = function (id) { return document.getElementById(id); };
    if (el("chart-over-time") && data.over_time) overTime(el("chart-over-time"), data.over_time);
    if (el("chart-response") && data.response) {
      cumulative(el("chart-response"), data.response, "minutes from the call to a unit on scene");
    }
    if (el("chart-processing") && data.processing) {
      cumulative(el("chart-processing"), data.processing, "seconds from the call to dispatch");
    }
    if (el("chart-care") && data.care) funnel(el("chart-care"), data.care);
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
