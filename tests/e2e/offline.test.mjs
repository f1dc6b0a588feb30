// The portal after one visit, with no network: the service worker (dist/sw.js,
// scripts/gen-sw.mjs) serves the app shell and the policy from its cache.
// Run with tests/e2e/run.sh after scripts/build-portal.sh.
//
// dist/ is served from a sub-path (/shop/aftersales/), as a host site might, by a tiny
// static server that also answers api/ping. "No network" is the server closed: the
// origin refuses connections, for the page and the service worker alike.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { DIST } from './lib/backend.mjs';
import { launch, newContext, watch } from './lib/browser.mjs';
const PREFIX = '/shop/aftersales/';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

let apiHits = 0;

/** dist/ under PREFIX on 127.0.0.1 and a free port; PREFIX + 'api/ping' answers JSON. */
async function serveDist() {
  await stat(path.join(DIST, 'sw.js')).catch(() => {
    throw new Error(`no dist/sw.js in ${DIST}: run scripts/build-portal.sh first`);
  });
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (!url.pathname.startsWith(PREFIX)) {
      res.writeHead(404).end();
      return;
    }
    const rel = decodeURIComponent(url.pathname.slice(PREFIX.length)) || 'index.html';
    if (rel.startsWith('api/')) {
      apiHits += 1;
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ hits: apiHits }));
      return;
    }
    const file = path.resolve(DIST, rel);
    if (!file.startsWith(DIST + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-cache',
      });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${server.address().port}${PREFIX}` };
}

/** Every file of dist/ but sw.js, relative, with '/' separators. */
async function shellFiles(dir = DIST) {
  const out = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await shellFiles(full)));
    else out.push(path.relative(DIST, full).split(path.sep).join('/'));
  }
  // Neither sw.js nor the embedding scripts (a store's page, the frame: no service
  // worker there), nor the kiosk app (only a kiosk's worker keeps it), nor the
  // staff console (the store's, never a customer's).
  const staff = (f) => f === 'staff.html' || f.startsWith('aftersales-staff-') || /^staff-[0-9a-f]+\.css$/.test(f);
  return out
    .filter((f) => !['sw.js', 'embed.js', 'embed-frame.js', 'kiosk.js', 'kiosk.css'].includes(f) && !f.startsWith('aftersales-kiosk-') && !staff(f))
    .sort();
}

let browser;
let server;
let base;

before(async () => {
  ({ server, base } = await serveDist());
  browser = await launch();
});

after(async () => {
  await browser?.close();
  if (server?.listening) await new Promise((resolve) => server.close(resolve));
});

/** The portal rendered: a visible heading (the header's h1 or the page's title), no alert. */
async function assertRendered(page, what) {
  await page.getByRole('heading').first().waitFor({ state: 'visible', timeout: 15_000 });
  // Let the policy load settle (an error would show as an alert).
  await page.waitForLoadState('networkidle').catch(() => {});
  await page.waitForTimeout(300);
  const alerts = await page.getByRole('alert').allInnerTexts();
  assert.deepEqual(alerts, [], `${what}: the portal shows an alert`);
}

test('after one visit the portal works offline, from a sub-path', async () => {
  const context = await newContext(browser, { locale: 'zh-CN', serviceWorkers: 'allow' });
  const page = await context.newPage();
  const errors = watch(page, { console: false });

  // First visit, online: the portal registers sw.js, which precaches the shell and
  // takes control of the page (clients.claim).
  await page.goto(base);
  await assertRendered(page, 'online');
  const registered = await page.evaluate(async () => {
    const r = await navigator.serviceWorker?.getRegistration();
    return r ? r.scope : null;
  });
  assert.equal(
    registered,
    base,
    'the portal did not register its service worker (data-service-worker="sw.js" on ' +
      '#aftersales-portal, offline::register_service_worker in src/main.rs)',
  );
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, {
    timeout: 15_000,
  });

  // The cache holds exactly the shell: every file of dist/ but sw.js and the embedding scripts.
  const cached = await page.evaluate(async () => {
    const names = await caches.keys();
    const urls = [];
    for (const n of names) for (const r of await (await caches.open(n)).keys()) urls.push(r.url);
    return { names, urls };
  });
  assert.equal(cached.names.length, 1, `one cache: ${cached.names}`);
  const want = (await shellFiles()).map((f) => new URL(f, base).href);
  assert.deepEqual([...cached.urls].sort(), want.sort());

  // api/ goes to the network every time and is never cached.
  const hits = await page.evaluate(async () => {
    const a = await (await fetch('api/ping')).json();
    const b = await (await fetch('api/ping')).json();
    return [a.hits, b.hits];
  });
  assert.equal(hits[1], hits[0] + 1, 'api/ping answered by the server both times');

  // No network: the origin refuses connections.
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));

  const policy = [];
  page.on('response', (r) => {
    if (new URL(r.url()).pathname.endsWith('/policy.json')) policy.push(r);
  });
  await page.reload();
  await assertRendered(page, 'offline reload');
  assert.ok(policy.length > 0, 'the portal loaded policy.json offline');
  for (const r of policy) {
    assert.ok(r.fromServiceWorker(), `${r.url()} came from the service worker`);
    assert.equal(r.status(), 200);
  }
  const bytes = await policy[0].body();
  assert.deepEqual(bytes, await readFile(path.join(DIST, 'policy.json')), 'the cached policy is the exact file');

  // The API is not answered from any cache: offline it fails.
  const api = await page.evaluate(() =>
    fetch('api/ping').then(
      () => 'answered',
      () => 'network error',
    ),
  );
  assert.equal(api, 'network error');

  // A deep link (hash route) in a new tab, offline.
  const tab = await context.newPage();
  const tabErrors = watch(tab, { console: false });
  await tab.goto(`${base}#/return`);
  await assertRendered(tab, 'offline deep link #/return');

  assert.deepEqual([...errors, ...tabErrors], [], 'no uncaught errors');
  await context.close();
});
