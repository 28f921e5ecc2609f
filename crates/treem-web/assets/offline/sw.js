// treem's village worker: keeps the village page, its scripts and the WHO
// tables on the phone so the page opens with no signal. Children's data is
// never cached here (the page keeps its lists in IndexedDB).
"use strict";
var CACHE = "treem-village-__VERSION__";
var FILES = ["/village/app", "/village/app.js", "/static/who.js", "/static/who-tables.json",
  "/static/app.css", "/village/manifest.webmanifest", "/village/icon-192.png", "/favicon.ico"];

self.addEventListener("install", function (ev) {
  ev.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(FILES); }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (ev) {
  ev.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) {
      return k.indexOf("treem-village-") === 0 && k !== CACHE;
    }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (ev) {
  var url = new URL(ev.request.url);
  if (ev.request.method !== "GET" || url.origin !== location.origin || FILES.indexOf(url.pathname) < 0) return;
  if (url.pathname === "/village/app") {
    // The page itself: the network's when there is one (a new treem),
    // otherwise the kept copy.
    ev.respondWith(fetch(ev.request).then(function (r) {
      if (r.ok) {
        var copy = r.clone();
        caches.open(CACHE).then(function (c) { c.put("/village/app", copy); });
      }
      return r;
    }).catch(function () {
      return caches.match("/village/app");
    }));
    return;
  }
  ev.respondWith(caches.match(url.pathname).then(function (hit) {
    return hit || fetch(ev.request);
  }));
});
