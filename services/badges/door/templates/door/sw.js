// The door page's service worker: keeps the page and its scripts on the device, so that the
// page reloads when the venue's network is down. Always the network first; the copy only
// when the network fails. API calls are not touched: the page itself handles being offline.
// The page is kept once per language asked for with ?lang=, so that a reload without network
// shows it in the language it was opened in.
const CACHE = "ceremony-door-shell";
const SHELL = {{ shell | tojson }};
const NAVIGATION_TIMEOUT_MS = 3000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

function fromNetwork(request) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), NAVIGATION_TIMEOUT_MS);
  return fetch(request, { signal: controller.signal }).finally(() => clearTimeout(timer));
}

/** Where the copy of `url` is kept: its path, and the language the page was asked in. */
function cacheKey(url) {
  const language = url.searchParams.get("lang");
  return language ? `${url.pathname}?${new URLSearchParams({ lang: language })}` : url.pathname;
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (!SHELL.includes(url.pathname)) return;
  const key = cacheKey(url);
  event.respondWith(
    fromNetwork(event.request)
      .then(async (response) => {
        if (response.ok) await (await caches.open(CACHE)).put(key, response.clone());
        return response;
      })
      .catch(
        async () =>
          (await caches.match(key)) || (await caches.match(url.pathname)) || Response.error(),
      ),
  );
});
