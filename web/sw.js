// LineDesk service worker: keeps the console's files (the app shell) so the console opens with
// the server down. Shell files are fetched from the network first (a running server always
// serves the newest build) and from the cache when the network fails. API calls pass through.
"use strict";

const CACHE = "linedesk-shell-v1";
const SHELL = ["./", "index.html", "linedesk_web.js", "linedesk_client.js", "linedesk_client.wasm"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/activate/") ||
      url.pathname.startsWith("/admin-activate/")) {
    return;
  }
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const fresh = await fetch(event.request);
      if (fresh.ok) cache.put(event.request, fresh.clone());
      return fresh;
    } catch (offline) {
      const cached = await cache.match(event.request, { ignoreSearch: true });
      if (cached) return cached;
      throw offline;
    }
  })());
});
