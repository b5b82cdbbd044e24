// The responder app's service worker (docs/responder-app.md). Served at /dispatch/my-unit/sw.js
// so that its scope is the responder's pages; the source stays here with the other scripts.
//
// Pages: network first, so a responder with signal always sees the call as it is now; without
// signal, the last copy (the page shows its age). Static assets: from the cache first (their
// names change when they change in production). API writes are never touched: the page queues
// them in IndexedDB and sends them itself.
"use strict";

var CACHE = "fifth-branch-responder-v1";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf("fifth-branch-responder-") === 0 && n !== CACHE; })
        .map(function (n) { return caches.delete(n); }));
    }).then(function () { return self.clients.claim(); })
  );
});

// The page names what it loaded before this worker controlled it.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "cache" && Array.isArray(data.urls)) {
    var same = data.urls.filter(function (u) { return typeof u === "string" && new URL(u, self.location).origin === self.location.origin; });
    var reply = event.ports && event.ports[0];
    event.waitUntil(caches.open(CACHE).then(function (cache) {
      return Promise.all(same.map(function (u) {
        return cache.match(u).then(function (hit) { return hit || cache.add(u); }).catch(function () {});
      }));
    }).then(function () {
      if (reply) reply.postMessage({ type: "cached" });
    }));
  }
  if (data.type === "forget") {
    // Signing out: no call data stays on the phone.
    event.waitUntil(caches.delete(CACHE));
  }
});

function fromNetwork(request) {
  return fetch(request).then(function (response) {
    if (response.ok && response.type === "basic" && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  });
}

// A page from the cache says so (data-copy), so that it shows its age and keeps the clock of
// the last page that came from the server.
function markedCopy(response) {
  return response.text().then(function (html) {
    return new Response(html.replace("<div data-responder ", "<div data-responder data-copy "), {
      status: 200, headers: { "Content-Type": "text/html; charset=utf-8" },
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(fromNetwork(request).catch(function () {
      return caches.match(request, { ignoreSearch: true }).then(function (hit) {
        return hit || caches.match(url.pathname);
      }).then(function (hit) {
        if (hit) return markedCopy(hit);
        return new Response("Offline, and this page was never opened with signal.", {
          status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" },
        });
      });
    }));
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fromNetwork(request); }));
  }
});
