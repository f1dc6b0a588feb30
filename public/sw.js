// Aftersales Portal service worker: after one visit the self-check works offline.
//
// This file is a TEMPLATE. scripts/gen-sw.mjs (a Trunk post_build hook, Trunk.toml)
// writes the built copy into dist/sw.js with BUILD filled in: the build id (a hash of
// every file's name and bytes) and the app shell, i.e. every file of dist/ except this
// one, the embedding scripts and the kiosk app (`kiosk`: precached only by a kiosk).
// Everything is relative to this file's location, so the portal also works from a
// sub-path (scope "./").
//
// - install: precache the app shell into a cache named after the build id.
// - activate: delete this portal's caches of other builds; control open pages.
// - navigations (two documents: index.html, the self-check, and requests.html, the
//   requests app; both use hash routes): network first, then the cached copy of the
//   document asked for, else the cached index.html. Cached copies are never replaced
//   outside install, so they always match the cached hashed assets.
// - policy.json, store.json (any *.json of the shell): network first, refreshing the
//   cached copy, which serves when the network fails: the policy is cached with its
//   exact bytes (the engine's policy version is a hash of them).
// - other shell files (hashed JS/WASM/CSS, manifest, icons): cache first.
// - anything else, in particular api/ (order look-ups carry personal data, filings
//   are POSTs), other origins and non-GET requests: not touched, not cached.

const BUILD = { id: 'dev', files: [], kiosk: [] }; // replaced by scripts/gen-sw.mjs

const SCOPE = new URL('./', self.location.href);
const PREFIX = `aftersales-portal ${SCOPE.pathname} `;
const CACHE = PREFIX + BUILD.id;
const API = new URL('api/', SCOPE).pathname;
const INDEX = new URL('index.html', SCOPE).href;
// A kiosk registers sw.js?kiosk=1 (docs/kiosk.md): its shell has the kiosk app too.
const KIOSK = new URL(self.location.href).searchParams.get('kiosk') === '1';
const SHELL = new Set([...BUILD.files, ...(KIOSK ? BUILD.kiosk : [])].map((f) => new URL(f, SCOPE).href));
const MATCH = { ignoreSearch: true, ignoreVary: true };

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // 'no-cache': revalidate with the server (a 304 reuses what the page just
      // downloaded) rather than trusting a stale HTTP cache entry.
      await cache.addAll([...SHELL].map((url) => new Request(url, { cache: 'no-cache' })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== SCOPE.origin || url.pathname.startsWith(API)) return;
  if (request.mode === 'navigate') {
    event.respondWith(navigation(request));
    return;
  }
  const key = url.origin + url.pathname;
  if (!SHELL.has(key)) return;
  event.respondWith(url.pathname.endsWith('.json') ? networkFirst(request, key) : cacheFirst(request));
});

async function navigation(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const cache = await caches.open(CACHE);
    const cached = (await cache.match(request.url, MATCH)) ?? (await cache.match(INDEX, MATCH));
    if (cached) return cached;
    throw error;
  }
}

async function networkFirst(request, key) {
  const cache = await caches.open(CACHE);
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    const cached = await cache.match(key, MATCH);
    if (cached) return cached;
    throw error;
  }
  const type = response.headers.get('content-type') ?? '';
  // Only a real JSON answer replaces the cached copy (a host's index.html fallback
  // for a missing file is not one); on a server error the cached copy serves.
  if (response.ok && type.includes('json')) {
    await cache.put(key, response.clone());
    return response;
  }
  if (!response.ok) return (await cache.match(key, MATCH)) ?? response;
  return response;
}

async function cacheFirst(request) {
  const cached = await (await caches.open(CACHE)).match(request, MATCH);
  return cached ?? fetch(request);
}
