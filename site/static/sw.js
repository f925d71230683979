// kubeclue service worker: makes the site work offline after the first visit.
// build.py renders this file with the precache list and a cache name that is a hash of
// everything precached, so each build that changes a file gets a fresh cache.
const CACHE = {{ cache|tojson }};
const PRECACHE = {{ precache|tojson }};
// Content-hashed and versioned URLs: their bytes never change, so a copy from an older cache
// (or the HTTP cache) is as good as a download. The rest is fetched past the HTTP cache.
const IMMUTABLE = new Set({{ immutable|tojson }});

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await Promise.all(PRECACHE.map(async (url) => {
      if (IMMUTABLE.has(url)) {
        const old = await caches.match(url);
        if (old) return cache.put(url, old);
      }
      const request = new Request(url, { cache: IMMUTABLE.has(url) ? "default" : "reload" });
      const response = await fetch(request);
      if (!response.ok) throw new Error(`precache ${url}: HTTP ${response.status}`);
      return cache.put(url, response);
    }));
    await self.skipWaiting();
  })());
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
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    // ignoreSearch: a page opened as /?x=1 is still the cached "./".
    const options = { cacheName: CACHE, ignoreSearch: true };
    let hit = await caches.match(request, options);
    if (!hit && request.mode === "navigate") {
      // Pages are cached as "dir/"; offline there is no server to redirect "dir" or "dir/index.html".
      const path = new URL(request.url).pathname;
      const dir = path.endsWith("/index.html") ? path.slice(0, -"index.html".length) : path + "/";
      hit = await caches.match(dir, options);
    }
    return hit || fetch(request);
  })());
});
