// Browser tests of filing and tracking (issue 5): the requests app (requests.html)
// with its offline outbox, end to end against the real server (aftersales-server
// serving dist/ and the API on a fresh SQLite file), in Debian's Chromium through
// playwright-core. Run with tests/e2e/run.sh after scripts/build-portal.sh.
//
// After every scenario the server must hold exactly one row per request filed:
// none lost, none duplicated (counted in the SQLite file with sqlite3).
//
// Env: AFTERSALES_SERVER (default ../../target/debug/aftersales-server),
// PORTAL_DIST (default dist/), CHROMIUM (default /usr/bin/chromium).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Backend, launch, launchPersistent } from './lib/backend.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = path.join(here, 'artifacts');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const PHONE = { width: 390, height: 844 };

let browser;
let backend;

before(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  backend = await Backend.create();
  await backend.start();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await backend?.destroy();
});

/** The ids filed in this file so far: the database must hold exactly these. */
const filed = new Set();

/** Exactly one row per request filed, none lost, none duplicated. */
function assertOneRowPerRequest(where) {
  const rows = backend.requests();
  const ids = rows.map((r) => r.id);
  const duplicated = ids.filter((id, i) => ids.indexOf(id) !== i);
  const lost = [...filed].filter((id) => !ids.includes(id));
  const unexpected = ids.filter((id) => !filed.has(id));
  assert.deepEqual({ lost, duplicated, unexpected }, { lost: [], duplicated: [], unexpected: [] }, where);
  return rows;
}

/** A fresh context (own storage, service workers blocked unless asked). */
async function open(locale = 'en-US', { hash = '', page: pagePath = '', serviceWorkers = 'block' } = {}) {
  const context = await browser.newContext({ locale, viewport: PHONE, serviceWorkers });
  const page = await context.newPage();
  const errors = watch(page);
  await page.goto(backend.base + pagePath + hash);
  return { page, context, errors };
}

/** Collects page errors and console errors (but not failed loads while offline). */
function watch(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const text = m.text();
    // The browser logs every refused connection while the test cuts the network.
    if (/Failed to load resource|ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_REFUSED|net::ERR/.test(text)) return;
    errors.push(text);
  });
  return errors;
}

/** axe-core's source, evaluated in the page (a script tag would break its CSP). */
const AXE_SOURCE = readFileSync(AXE, 'utf8');

async function axeViolations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    // The portal is a widget inside a host page (h2 page titles): the page's
    // level-one heading is the host's, as in the self-check.
    const r = await axe.run(document, { resultTypes: ['violations'], rules: { 'page-has-heading-one': { enabled: false } } });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `requests-${name}.png`), fullPage: true });
}

/** The self-check with a demo order up to its answer page. */
const DEMO = { cancel: 'SO-24001', return: 'SO-24003', exchange: 'SO-24003', repair: 'SO-24008', complaint: 'SO-24001' };

async function selfCheckToAnswer(page, type) {
  await page.goto(`${backend.base}#/${type}`);
  await page.locator('.asp-demo > summary').click();
  await page.locator(`button.asp-demo-order[data-order="${DEMO[type]}"]`).click();
  // Reason (return: another reason; exchange: a defect), complaint topic, questions: the first choice.
  for (let i = 0; i < 10 && !page.url().endsWith('/answer'); i++) {
    await page.locator('.asp-answer-button').first().waitFor();
    const url = page.url();
    const choice = type === 'return' && url.endsWith('/reason') ? 1 : 0;
    await page.locator('.asp-answer-button').nth(choice).click();
    await page.waitForURL((u) => u.toString() !== url);
  }
  await page.waitForURL(/\/answer$/);
}

/** Answer page → "File this request" → the form of the requests app. */
async function goToForm(page, type) {
  await selfCheckToAnswer(page, type);
  await page.locator('a[data-action="file"]').click();
  await page.waitForURL(new RegExp(`requests\\.html#/file/${type}$`));
  await page.locator('#asp-contact-name').waitFor();
}

async function fillContact(page, { name = '王女士', phone = '138 0013 8000', time = '', description = '' } = {}) {
  await page.locator('#asp-contact-name').fill(name);
  await page.locator('#asp-contact-phone').fill(phone);
  if (time) await page.locator('#asp-contact-time').fill(time);
  if (description) await page.locator('#asp-description').fill(description);
}

/** Presses submit; returns the new request's id (the outbox page's URL). */
async function submit(page) {
  const before = page.url();
  await page.locator('button[data-action="submit"]').click();
  await page.waitForURL((u) => u.toString() !== before && /#\/o\//.test(u.toString()), { timeout: 15_000 });
  const id = decodeURIComponent(page.url().split('#/o/')[1]);
  filed.add(id);
  return id;
}

/** The state the outbox page shows: saved, sending, received, needs_fix. */
function pageState(page) {
  return page.locator('.asp-page [data-state]').first().getAttribute('data-state');
}

async function waitForState(page, state, timeout = 30_000) {
  await page.locator(`.asp-page [data-state="${state}"]`).first().waitFor({ timeout });
}

/** Waits for "received" and returns the tracking code. */
async function received(page, timeout = 30_000) {
  await waitForState(page, 'received', timeout);
  const code = await page.locator('[data-tracking-code]').first().getAttribute('data-tracking-code');
  assert.match(code, /^[2-9A-HJ-NP-Z]{8}$/);
  return code;
}

/** Rows of the server's database in the order of `ids`. */
function rowsById(ids) {
  const rows = backend.requests();
  return ids.map((id) => rows.find((r) => r.id === id));
}

/** A JPEG of `width` × `height`, drawn and encoded by the page's own canvas. */
async function makeJpeg(page, width, height, hue) {
  const base64 = await page.evaluate(
    async ([w, h, hue]) => {
      const canvas = document.createElement('canvas');
      canvas.width = w;
      canvas.height = h;
      const g = canvas.getContext('2d');
      const gradient = g.createLinearGradient(0, 0, w, h);
      gradient.addColorStop(0, `hsl(${hue} 70% 45%)`);
      gradient.addColorStop(1, `hsl(${hue + 120} 70% 60%)`);
      g.fillStyle = gradient;
      g.fillRect(0, 0, w, h);
      g.fillStyle = '#fff';
      g.font = `${Math.round(h / 6)}px sans-serif`;
      g.fillText('cracked leg', w / 10, h / 2);
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.92));
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let text = '';
      for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(text);
    },
    [width, height, hue],
  );
  return Buffer.from(base64, 'base64');
}

/** Width and height of a baseline or progressive JPEG (its SOF segment). */
function jpegSize(bytes) {
  let i = 2;
  while (i < bytes.length) {
    const marker = bytes[i + 1];
    const length = bytes.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xc3) return { height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7) };
    i += 2 + length;
  }
  return null;
}

describe('filing from the self-check', () => {
  test('a request reaches the store once, with its tracking code, and is listed in My requests', { timeout: 120_000 }, async () => {
    const { page, context, errors } = await open('en-US');
    try {
      await goToForm(page, 'cancel');
      // Prefilled from the self-check: the answer, the order.
      const summary = await page.locator('.asp-filing-summary').innerText();
      assert.ok(summary.includes('SO-24001'), summary);
      assert.equal(await page.locator('.asp-filing-summary [data-clause]').getAttribute('data-clause'), 'cancel.free');
      assert.deepEqual(await axeViolations(page), [], 'axe: form');
      await shot(page, 'en-1-form');

      // The device checks first, with messages per field.
      await page.locator('button[data-action="submit"]').click();
      assert.equal(await page.locator('#asp-contact-name').getAttribute('aria-invalid'), 'true');
      assert.equal(await page.locator('#asp-contact-name').evaluate((e) => e === document.activeElement), true);
      await fillContact(page, { phone: '12345' });
      await page.locator('button[data-action="submit"]').click();
      assert.equal(await page.locator('#asp-contact-phone').getAttribute('aria-invalid'), 'true');
      assert.ok((await page.locator('#asp-contact-phone-error').innerText()).includes('11-digit mainland mobile'));
      assert.equal(backend.requests().length, filed.size, 'nothing sent while invalid');

      await fillContact(page, { time: 'weekday evenings', description: 'Ordered the wrong colour.' });
      const id = await submit(page);
      const code = await received(page);
      assert.deepEqual(await axeViolations(page), [], 'axe: received');
      await shot(page, 'en-2-received');
      const [row] = rowsById([id]);
      assert.equal(row.request_type, 'cancel');
      assert.equal(row.status, 'received');
      assert.deepEqual(JSON.parse(row.contact), { name: '王女士', phone: '13800138000', preferred_time: 'weekday evenings' });
      // filed_at: the moment of submit, in the store's offset.
      assert.match(row.filed_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
      assert.ok(Math.abs(Date.parse(row.filed_at) - Date.now()) < 120_000, row.filed_at);

      // Back does not return to a form that would file it again.
      await page.locator('a[data-action="follow"]').click();
      await page.locator('.asp-track-facts').waitFor();
      assert.equal(await page.locator('.asp-track-facts [data-tracking-code]').innerText(), code);
      assert.deepEqual(await axeViolations(page), [], 'axe: tracking');
      await shot(page, 'en-3-tracking');

      await page.goto(`${backend.base}requests.html#/`);
      const item = page.locator(`.asp-request-item[data-id="${id}"]`);
      await item.waitFor();
      assert.equal(await item.getAttribute('data-sync'), 'sent');
      assert.ok((await item.innerText()).includes(code));
      assert.deepEqual(await axeViolations(page), [], 'axe: my requests');
      await shot(page, 'en-4-mine');
      // The self-check's header links here.
      await page.goto(backend.base);
      await page.locator('.asp-nav-link').click();
      await page.waitForURL(/requests\.html#\/$/);
      await page.locator(`.asp-request-item[data-id="${id}"]`).waitFor();
      assertOneRowPerRequest('after filing');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('every request type can be filed (in Chinese)', { timeout: 240_000 }, async () => {
    const { page, context, errors } = await open('zh-CN');
    try {
      const ids = [];
      for (const type of ['cancel', 'return', 'exchange', 'repair', 'complaint']) {
        await goToForm(page, type);
        await fillContact(page, { name: '李先生', phone: '+86 139 0000 1111' });
        ids.push(await submit(page));
        await received(page);
        const text = await page.locator('.asp-page').innerText();
        assert.ok(text.includes('门店已收到您的申请'), text);
        if (type === 'repair') await shot(page, 'zh-received');
      }
      const rows = rowsById(ids);
      assert.deepEqual(rows.map((r) => r.request_type), ['cancel', 'return', 'exchange', 'repair', 'complaint']);
      assert.ok(rows.every((r) => JSON.parse(r.contact).phone === '13900001111'));
      await page.goto(`${backend.base}requests.html#/`);
      await page.locator('.asp-request-item').nth(4).waitFor();
      assert.equal(await page.locator('.asp-request-item').count(), 5);
      const list = await page.locator('.asp-page').innerText();
      assert.ok(list.includes('维修') && list.includes('已受理'), list);
      assert.equal(/[A-Za-z]{3,}/.test(list.replace(/SO-\d+|[2-9A-HJ-NP-Z]{8}/g, '')), false, `English in the Chinese UI: ${list}`);
      await shot(page, 'zh-mine');
      assertOneRowPerRequest('after every type');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('a deep link without the self-check explains and links back to it', { timeout: 60_000 }, async () => {
    const { page, context, errors } = await open('en-US', { page: 'requests.html', hash: '#/file/return' });
    try {
      await page.locator('[data-state="no-draft"]').waitFor();
      assert.equal(await page.locator('#asp-contact-name').count(), 0);
      const link = page.locator('[data-state="no-draft"] a.asp-button');
      assert.equal(await link.getAttribute('href'), 'index.html#/return');
      await link.click();
      await page.waitForURL(/index\.html#\/return$/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});

describe('the outbox', () => {
  test('filed offline: saved on the device, sent when the connection is back, also from a new tab', { timeout: 120_000 }, async () => {
    const { page, context, errors } = await open('en-US');
    try {
      await goToForm(page, 'repair');
      await fillContact(page);
      await context.setOffline(true);
      const id = await submit(page);
      await waitForState(page, 'saved');
      const detail = await page.locator('.asp-retry-detail').innerText();
      assert.ok(detail.includes('You are offline'), detail);
      assert.equal(await page.evaluate(() => localStorage.getItem('aftersales:outbox-pending')), '1');
      await shot(page, 'en-offline-saved');
      assert.equal(backend.requests().filter((r) => r.id === id).length, 0, 'nothing reached the server');

      // The tab is closed while offline; the request stays on the device.
      const second = await context.newPage();
      const errors2 = watch(second);
      await page.close();
      await context.setOffline(false);
      // The next visit sends it.
      await second.goto(`${backend.base}requests.html#/`);
      const item = second.locator(`.asp-request-item[data-id="${id}"]`);
      await item.waitFor();
      await second.locator(`.asp-request-item[data-id="${id}"][data-sync="sent"]`).waitFor({ timeout: 30_000 });
      assert.equal(await second.evaluate(() => localStorage.getItem('aftersales:outbox-pending')), null);
      assertOneRowPerRequest('after offline filing');

      // Offline again in an open tab: the "online" event sends at once.
      await second.goto(`${backend.base}#/`);
      await goToForm(second, 'complaint');
      await fillContact(second);
      await context.setOffline(true);
      const id2 = await submit(second);
      await waitForState(second, 'saved');
      await second.waitForTimeout(1_000);
      await context.setOffline(false);
      await received(second, 15_000);
      assert.equal(rowsById([id2]).length, 1);
      assertOneRowPerRequest('after coming back online');
      assert.deepEqual([...errors, ...errors2], []);
    } finally {
      await context.close();
    }
  });

  test('a request saved offline survives closing the browser and is sent at the next start', { timeout: 120_000 }, async () => {
    const profile = await mkdtemp(path.join(os.tmpdir(), 'aftersales-profile-'));
    const options = { locale: 'en-US', viewport: PHONE, serviceWorkers: 'block' };
    try {
      let context = await launchPersistent(profile, options);
      let page = context.pages()[0] ?? (await context.newPage());
      const errors = watch(page);
      await page.goto(backend.base);
      await goToForm(page, 'exchange');
      await fillContact(page);
      await context.setOffline(true);
      const id = await submit(page);
      await waitForState(page, 'saved');
      await context.close(); // the whole browser, while the request waits

      context = await launchPersistent(profile, options);
      page = context.pages()[0] ?? (await context.newPage());
      const errors2 = watch(page);
      await page.goto(`${backend.base}requests.html#/`);
      await page.locator(`.asp-request-item[data-id="${id}"][data-sync="sent"]`).waitFor({ timeout: 30_000 });
      await context.close();
      assertOneRowPerRequest('after a browser restart');
      assert.deepEqual([...errors, ...errors2], []);
    } finally {
      await rm(profile, { recursive: true, force: true });
    }
  });

  test('with the service worker: after one visit, the requests app opens and files with the origin down', { timeout: 120_000 }, async () => {
    const { page, context, errors } = await open('en-US', { serviceWorkers: 'allow' });
    try {
      await page.locator('#asp-page-title').waitFor();
      // The service worker precaches both apps in the background.
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
      const cached = await page.evaluate(async () => {
        const urls = [];
        for (const n of await caches.keys()) for (const r of await (await caches.open(n)).keys()) urls.push(r.url);
        return urls.map((u) => new URL(u).pathname.slice(1));
      });
      assert.ok(cached.includes('requests.html'), cached.join(' '));
      assert.ok(cached.some((f) => /^aftersales-requests-.*_bg\.wasm$/.test(f)), cached.join(' '));

      await backend.stop();
      let id;
      try {
        // The self-check and the requests app from the cache; the request waits on the device.
        await goToForm(page, 'cancel');
        await fillContact(page);
        id = await submit(page);
        await page.locator('.asp-retry-detail:has-text("could not be reached")').waitFor({ timeout: 20_000 });
        await page.goto(`${backend.base}requests.html#/`);
        await page.locator(`.asp-request-item[data-id="${id}"][data-sync="saved"]`).waitFor();
      } finally {
        await backend.start();
      }
      await page.goto(`${backend.base}requests.html#/o/${id}`);
      await received(page, 60_000);
      assertOneRowPerRequest('after filing from the cache');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('filed while the server is stopped: retried with backoff, received once it is back', { timeout: 120_000 }, async () => {
    const { page, context, errors } = await open('en-US');
    try {
      await goToForm(page, 'return');
      await fillContact(page);
      await backend.stop();
      let id;
      try {
        id = await submit(page);
        await page.locator('.asp-retry-detail:has-text("could not be reached")').waitFor({ timeout: 20_000 });
        assert.equal(await pageState(page), 'saved');
        await shot(page, 'en-server-down');
      } finally {
        await backend.start();
      }
      assert.equal(backend.requests().filter((r) => r.id === id).length, 0);
      assert.equal(await page.locator('button[data-action="retry"]').count(), 1, '"try again now" offered');
      // The next attempt of the backoff (at most a few seconds after a few failures) gets through.
      await received(page, 60_000);
      assertOneRowPerRequest('after the server came back');

      // "Try again now" skips the wait after a failure to connect.
      await goToForm(page, 'cancel');
      await fillContact(page);
      await backend.stop();
      try {
        await submit(page);
        await page.locator('.asp-retry-detail:has-text("could not be reached")').waitFor({ timeout: 20_000 });
      } finally {
        await backend.start();
      }
      await page.locator('button[data-action="retry"]').click();
      await received(page, 10_000);
      assertOneRowPerRequest('after trying again');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('a reload while the request is on its way sends it again, and the server keeps one', { timeout: 120_000 }, async () => {
    const { page, context, errors } = await open('en-US');
    try {
      await goToForm(page, 'exchange');
      await fillContact(page);
      // The server stores the request, but its answer never reaches the page:
      // the page is reloaded while waiting for it.
      let reachedServer;
      const stored = new Promise((resolve) => (reachedServer = resolve));
      const posts = [];
      page.on('request', (r) => r.method() === 'POST' && r.url().endsWith('/api/requests') && posts.push(r.url()));
      let held = 0;
      await page.route('**/api/requests', async (route) => {
        if (route.request().method() !== 'POST' || held++ > 0) return route.fallback();
        await route.fetch(); // delivered to the server; its answer never reaches the page
        reachedServer();
      });
      const id = await submit(page);
      await stored;
      assert.equal(rowsById([id]).length, 1, 'the server has it');
      await waitForState(page, 'sending', 5_000);
      await page.reload();
      await received(page, 30_000);
      assert.equal(posts.length, 2, 'sent again after the reload');
      await page.unrouteAll({ behavior: 'ignoreErrors' });
      assertOneRowPerRequest('after the reload');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('two tabs open: one sends, both show it, never twice', { timeout: 120_000 }, async () => {
    const { page: a, context, errors } = await open('en-US');
    try {
      const b = await context.newPage();
      const errorsB = watch(b);
      await b.goto(`${backend.base}requests.html#/`);
      await b.locator('.asp-request-list, [data-state="empty"]').first().waitFor();
      const posts = [];
      for (const p of [a, b]) {
        p.on('request', (r) => r.method() === 'POST' && r.url().endsWith('/api/requests') && posts.push(p === a ? 'a' : 'b'));
      }
      await goToForm(a, 'cancel');
      await fillContact(a);
      await context.setOffline(true);
      const id = await submit(a);
      await waitForState(a, 'saved');
      // Tab B hears of it (BroadcastChannel) without a reload.
      await b.locator(`.asp-request-item[data-id="${id}"][data-sync="saved"]`).waitFor({ timeout: 10_000 });
      // Both tabs get "online" and run their sync: the lock lets one send.
      await context.setOffline(false);
      await received(a, 30_000);
      await b.locator(`.asp-request-item[data-id="${id}"][data-sync="sent"]`).waitFor({ timeout: 15_000 });
      await a.waitForTimeout(6_000); // the other tab's retry after "busy"
      assert.equal(posts.length, 1, `POSTs: ${posts}`);
      assertOneRowPerRequest('after two tabs');
      assert.deepEqual([...errors, ...errorsB], []);
    } finally {
      await context.close();
    }
  });

  test('photos are downscaled on the device and uploaded one by one with progress', { timeout: 180_000 }, async () => {
    const { page, context, errors } = await open('en-US');
    try {
      await goToForm(page, 'repair');
      await fillContact(page, { description: 'The leg is cracked.' });
      const big = await makeJpeg(page, 3200, 2400, 10);
      const tall = await makeJpeg(page, 900, 2000, 200);
      await page.locator('#asp-photos-input').setInputFiles([
        { name: 'leg.jpg', mimeType: 'image/jpeg', buffer: big },
        { name: 'label.jpg', mimeType: 'image/jpeg', buffer: tall },
      ]);
      await page.locator('.asp-thumb img').nth(1).waitFor({ timeout: 30_000 });
      assert.equal(await page.locator('.asp-thumb').count(), 2);
      await shot(page, 'en-photos-form');
      // Remove one and add it again: thumbnails follow.
      await page.locator('.asp-thumb-remove').nth(1).click();
      assert.equal(await page.locator('.asp-thumb').count(), 1);
      await page.locator('#asp-photos-input').setInputFiles([{ name: 'label.jpg', mimeType: 'image/jpeg', buffer: tall }]);
      await page.locator('.asp-thumb img').nth(1).waitFor({ timeout: 30_000 });

      // Slow uploads, to see the progress.
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 50, downloadThroughput: 2_000_000, uploadThroughput: 100_000 });
      const id = await submit(page);
      const code = await received(page, 30_000);
      const progress = page.locator('.asp-thumb[data-photo-state="uploading"] progress');
      await progress.first().waitFor({ timeout: 30_000 });
      await shot(page, 'en-photos-uploading');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
      await page.locator('.asp-thumb[data-photo-state="done"]').nth(1).waitFor({ timeout: 60_000 });

      const [row] = rowsById([id]);
      assert.equal(row.attachment_count, 2);
      const photos = backend.query(`SELECT seq, content_type, size, hex(data) AS data FROM attachments WHERE request_id = '${id}' ORDER BY seq`);
      assert.equal(photos.length, 2);
      const sizes = photos.map((p) => jpegSize(Buffer.from(p.data, 'hex')));
      assert.deepEqual(sizes, [{ width: 1600, height: 1200 }, { width: 720, height: 1600 }]);
      assert.ok(photos.every((p) => p.content_type === 'image/jpeg' && p.size < big.length));

      await page.goto(`${backend.base}requests.html${'#/r/' + id + '?code=' + code}`);
      await page.locator('[data-attachments="2"]').waitFor();
      assertOneRowPerRequest('after photos');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('a 422 is shown with what to fix; the corrected request is filed once', { timeout: 120_000 }, async () => {
    const { page, context, errors } = await open('en-US');
    try {
      await goToForm(page, 'complaint');
      await fillContact(page, { phone: '+49 151 1234 5678', description: 'Rude on the phone.' });
      // The store's system refuses this phone number (crafted: the device and the
      // server agree on what a phone number is).
      let refused = 0;
      await page.route('**/api/requests', async (route) => {
        if (route.request().method() !== 'POST' || refused > 0) return route.fallback();
        refused += 1;
        await route.fulfill({
          status: 422,
          contentType: 'application/json',
          body: JSON.stringify({
            error: {
              code: 'validation_failed',
              message: 'Please check the marked fields.',
              fields: [{ field: 'contact.phone', code: 'invalid' }],
            },
          }),
        });
      });
      const first = await submit(page);
      filed.delete(first); // refused: never stored by the server
      await waitForState(page, 'needs_fix', 15_000);
      const alert = page.locator('[data-state="needs_fix"]');
      assert.equal(await alert.getAttribute('data-status'), '422');
      assert.ok((await alert.innerText()).includes('Please check the marked fields.'));
      // The form is back, prefilled, with the refused field marked.
      await page.locator('#asp-contact-phone').waitFor();
      assert.equal(await page.locator('#asp-contact-phone').inputValue(), '+4915112345678');
      assert.equal(await page.locator('#asp-description').inputValue(), 'Rude on the phone.');
      assert.equal(await page.locator('#asp-contact-phone').getAttribute('aria-invalid'), 'true');
      assert.deepEqual(await axeViolations(page), [], 'axe: needs fix');
      await shot(page, 'en-needs-fix');
      // Listed as needing attention, never silently dropped.
      assert.equal(backend.requests().filter((r) => r.id === first).length, 0);

      await page.locator('#asp-contact-phone').fill('13800138000');
      assert.equal(await page.locator('#asp-contact-phone').getAttribute('aria-invalid'), null);
      const before = page.url();
      await page.locator('button[data-action="submit"]').click();
      await page.waitForURL((u) => u.toString() !== before);
      const second = decodeURIComponent(page.url().split('#/o/')[1]);
      filed.add(second);
      assert.notEqual(second, first);
      await received(page);
      const [row] = rowsById([second]);
      assert.equal(JSON.parse(row.contact).phone, '13800138000');
      await page.goto(`${backend.base}requests.html#/`);
      await page.locator(`.asp-request-item[data-id="${second}"]`).waitFor();
      assert.equal(await page.locator(`.asp-request-item[data-id="${first}"]`).count(), 0);
      assertOneRowPerRequest('after the fix');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test("the server's own 422 (an order it cannot accept) is shown, and can be discarded", { timeout: 60_000 }, async () => {
    const { page, context, errors } = await open('en-US', { page: 'requests.html', hash: '#/' });
    try {
      // A self-check draft whose order number is longer than the server takes.
      const orderedAt = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
      await page.evaluate((orderedAt) => {
        const order = {
          number: 'X'.repeat(70),
          ordered_at: orderedAt,
          currency: 'CNY',
          fulfilment: { state: 'pending' },
          lines: [{ id: '1', sku: '', name: 'Sofa', kind: 'regular', quantity: 1, unit_price: 599900 }],
        };
        sessionStorage.setItem('aftersales:draft', JSON.stringify({ order, source: 'manual', phone: '13800138000', answers: {} }));
      }, orderedAt);
      await page.goto(`${backend.base}requests.html#/file/cancel`);
      await page.locator('#asp-contact-name').waitFor();
      await fillContact(page);
      const id = await submit(page);
      filed.delete(id); // refused by the server: never stored
      await waitForState(page, 'needs_fix', 15_000);
      const alert = page.locator('[data-state="needs_fix"]');
      assert.equal(await alert.getAttribute('data-status'), '422');
      assert.ok((await alert.innerText()).includes('go through the self-check again'), await alert.innerText());
      assert.equal(backend.requests().filter((r) => r.id === id).length, 0);
      await page.goto(`${backend.base}requests.html#/`);
      await page.locator(`.asp-request-item[data-id="${id}"][data-sync="needs_fix"]`).waitFor();
      await page.locator(`.asp-request-item[data-id="${id}"] a`).click();
      await page.locator('button[data-action="discard"]').click();
      await page.waitForURL(/requests\.html#\/$/);
      await page.locator('.asp-request-list, [data-state="empty"]').first().waitFor();
      assert.equal(await page.locator(`.asp-request-item[data-id="${id}"]`).count(), 0);
      assertOneRowPerRequest('after the refused order');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});

describe('tracking', () => {
  test('on a second device from the link: status, next deadline, staff notes, then the survey once', { timeout: 120_000 }, async () => {
    const { page, context, errors } = await open('en-US');
    let other;
    try {
      await goToForm(page, 'repair');
      await fillContact(page);
      const id = await submit(page);
      const code = await received(page);
      await page.locator('a[data-action="follow"]').click();
      const link = await page.locator('#asp-share-link').inputValue();
      assert.equal(link, `${backend.base}requests.html#/r/${id}?code=${code}`);
      assert.equal(await page.locator('svg.asp-qr path').count(), 1);

      // Another browser: no outbox, no storage, only the link.
      other = await browser.newContext({ locale: 'en-US', viewport: PHONE, serviceWorkers: 'block' });
      const phone = await other.newPage();
      const errors2 = watch(phone);
      await phone.goto(link);
      await phone.locator('.asp-track-facts[data-status="received"]').waitFor();
      // The soonest promise first; the service centre's call among them.
      assert.equal(await phone.locator('.asp-due').first().getAttribute('class'), 'asp-due asp-due-next');
      const call = await phone.locator('.asp-due[data-what="first_contact"]').innerText();
      assert.match(call, /^The service centre will call you before (today|tomorrow|Mon|Tue|Wed|Thu|Fri|Sat|Sun) ?(\d+ [A-Z][a-z]{2}, )?\d\d:\d\d\.$/);
      assert.ok((await phone.locator('.asp-next').innerText()).includes('Store time (Asia/Shanghai, UTC+8)'));

      // The store works on it: refreshed when the page regains focus.
      const steps = (await (await fetch(`${backend.base}api/requests/${id}?code=${code}`)).json()).decision.steps;
      await backend.transition(id, steps[1], 'Technician visit on Monday morning.');
      await phone.evaluate(() => window.dispatchEvent(new Event('focus')));
      await phone.locator('.asp-track-facts[data-status="in_progress"]').waitFor({ timeout: 10_000 });
      assert.ok((await phone.locator('.asp-history').innerText()).includes('Technician visit on Monday morning.'));
      // The store's first move met its acknowledgement: no longer promised.
      assert.equal(await phone.locator('.asp-due[data-what="acknowledge"]').count(), 0);
      assert.equal(await phone.locator('.asp-due[data-what="first_contact"]').count(), 1);
      assert.equal(await phone.locator('.asp-survey').count(), 0);
      await shot(phone, 'en-tracking-in-progress');

      await backend.transition(id, 'closed', 'Repaired.');
      await phone.locator('button[data-action="refresh"]').click();
      await phone.locator('.asp-survey[data-state="open"]').waitFor({ timeout: 10_000 });
      await phone.locator('button[data-action="send-feedback"]').click();
      assert.ok((await phone.locator('.asp-survey').innerText()).includes('Please choose a rating'));
      await phone.locator('.asp-rating-option', { hasText: '4' }).click();
      await phone.locator('#asp-survey-comment').fill('Quick and friendly.');
      assert.deepEqual(await axeViolations(phone), [], 'axe: survey');
      await shot(phone, 'en-survey');
      await phone.locator('button[data-action="send-feedback"]').click();
      await phone.locator('.asp-survey[data-state="given"]').waitFor({ timeout: 10_000 });
      assert.deepEqual(backend.query(`SELECT rating, comment FROM feedback WHERE request_id = '${id}'`), [{ rating: 4, comment: 'Quick and friendly.' }]);
      // Once: not asked again, here or on the first device.
      await phone.reload();
      await phone.locator('.asp-survey[data-state="given"]').waitFor();
      await page.reload();
      await page.locator('.asp-track-facts[data-status="closed"]').waitFor();
      assert.equal(await page.locator('.asp-survey[data-state="open"]').count(), 0);
      // My requests on the first device learned the status.
      await page.goto(`${backend.base}requests.html#/`);
      await page.locator(`.asp-request-item[data-id="${id}"][data-status="closed"]`).waitFor({ timeout: 10_000 });

      // A wrong code shows nothing.
      await phone.goto(`${backend.base}requests.html#/r/${id}?code=ZZZZZZZZ`);
      await phone.locator('[data-state="not_found"]').waitFor();
      assertOneRowPerRequest('after tracking');
      assert.deepEqual([...errors, ...errors2], []);
    } finally {
      await other?.close();
      await context.close();
    }
  });
});
