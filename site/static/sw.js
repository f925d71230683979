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
    // ignoreSearch: a page opened as /?x=1 is still the cached "./". Only for a URL with a
    // query: a match that ignores it goes through every entry of the cache (~500), and the
    // tool's start makes a dozen requests through here.
    const options = { cacheName: CACHE, ignoreSearch: Boolean(new URL(request.url).search) };
    let hit = await caches.match(request, options);
    if (!hit && request.mode === "navigate") {
      // Pages are cached as "dir/"; offline there is no server to redirect "dir" or "dir/index.html".
      const path = new URL(request.url).pathname;
      const dir = path.endsWith("/index.html") ? path.slice(0, -"index.html".length) : path + "/";
      hit = await caches.match(dir, options);
    }
    if (hit) return hit;
    if (request.mode !== "navigate") return fetch(request);
    // A page the site does not have: its 404 page (status 404), offline too, whatever the host
    // answers. Other failures (a server error online) pass through as they are.
    const response = await fetch(request).catch(() => null);
    if (response && response.status !== 404) return response;
    const missing = await caches.match(new URL("404.html", self.registration.scope).href, { cacheName: CACHE });
    if (!missing) return response || Response.error();
    return new Response(missing.body, { status: 404, statusText: "Not Found", headers: missing.headers });
  })());
});
