// Browser tests of filing and tracking: the requests app (requests.html)
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
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { assertAccessible } from './lib/axe.mjs';
import { Backend } from './lib/backend.mjs';
import { launch, launchPersistent, newContext, shot as screenshot, watch } from './lib/browser.mjs';
import { gotoRoute, heading, myRequestsLink, openPage, pageText } from './lib/portal.mjs';
import {
  Filed,
  contactField,
  fillContact,
  goToForm as goToFormAt,
  myRequestsLoaded,
  outboxStatus,
  pageState,
  received,
  requestItem,
  requestItems,
  submit as submitForm,
  submitButton,
  waitForState,
} from './lib/requests.mjs';
import { text } from './lib/texts.mjs';

let browser;
let backend;
/** The requests filed in this file so far: the database must hold exactly these. */
let filed;

before(async () => {
  backend = await Backend.started();
  filed = new Filed(backend);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await backend?.destroy();
});

/**
 * A fresh phone context (own storage, service workers blocked unless asked) at
 * `page` + `hash`; failed loads while a test cuts the network are not errors.
 */
function open(locale = 'en-US', { hash = '', page = '', ...options } = {}) {
  return openPage(browser, backend.base + page + hash, { locale, network: false, ...options });
}

const goToForm = (page, type) => goToFormAt(page, backend.base, type);
/** Submits the form; the request counts as filed. */
const submit = async (page) => filed.add(await submitForm(page));
const assertOneRowPerRequest = (where) => filed.assertOneRowPerRequest(where);
const rowsById = (ids) => filed.rowsById(ids);
/** The portal is a widget inside a host page: the host's h1 is the page's level-one heading. */
const assertAccessibleWidget = (page, where) => assertAccessible(page, where, { disable: ['page-has-heading-one'] });
const shot = (page, name) => screenshot(page, `requests-${name}`);
const errorWatch = (page) => watch(page, { network: false });

/** The tracking page's facts (a description list without a name), with their status. */
const trackFacts = (page, status) => page.locator(status ? `.asp-track-facts[data-status="${status}"]` : '.asp-track-facts');

/** The survey on the tracking page: `open` (the form under its heading), `given` (the thanks), or either. */
function survey(page, state) {
  const open = page.locator('form').filter({ has: page.getByRole('heading', { name: 'How did we do?' }) });
  const given = page.getByText('Thank you for your feedback.', { exact: true });
  return state === 'open' ? open : state === 'given' ? given : open.or(given);
}

/** The outbox page's alert when the store refused the request (data-status: the HTTP status). */
const needsFix = (page) => page.getByRole('alert').filter({ hasText: 'The store could not accept this request' });

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
      // Prefilled from the self-check: the answer, the order. (The summary is a
      // description list without a name.)
      const summary = page.locator('.asp-filing-summary');
      assert.ok((await summary.innerText()).includes('SO-24001'), await summary.innerText());
      // The clause id the customer saw: a data attribute (no visible text carries it).
      assert.equal(await summary.getByRole('definition').and(page.locator('[data-clause]')).getAttribute('data-clause'), 'cancel.free');
      await assertAccessibleWidget(page, 'form');
      await shot(page, 'en-1-form');

      // The device checks first, with messages per field.
      const name = page.getByLabel('Your name', { exact: true });
      const phone = page.getByLabel('Mobile phone number', { exact: true });
      await (await submitButton(page)).click();
      assert.equal(await name.getAttribute('aria-invalid'), 'true');
      assert.equal(await name.evaluate((e) => e === document.activeElement), true);
      await fillContact(page, { phone: '12345' });
      await (await submitButton(page)).click();
      assert.equal(await phone.getAttribute('aria-invalid'), 'true');
      // The message is the field's description (aria-describedby: hint, then error).
      const described = await phone.evaluate((e) =>
        e.getAttribute('aria-describedby').split(/\s+/).map((id) => document.getElementById(id)?.innerText ?? '').join(' '),
      );
      assert.ok(described.includes('11-digit mainland mobile'), described);
      assert.equal(backend.requests().length, filed.size, 'nothing sent while invalid');

      await fillContact(page, { time: 'weekday evenings', description: 'Ordered the wrong colour.' });
      const id = await submit(page);
      const code = await received(page);
      await assertAccessibleWidget(page, 'received');
      await shot(page, 'en-2-received');
      const [row] = rowsById([id]);
      assert.equal(row.request_type, 'cancel');
      assert.equal(row.status, 'received');
      assert.deepEqual(JSON.parse(row.contact), { name: '王女士', phone: '13800138000', preferred_time: 'weekday evenings' });
      // filed_at: the moment of submit, in the store's offset.
      assert.match(row.filed_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
      assert.ok(Math.abs(Date.parse(row.filed_at) - Date.now()) < 120_000, row.filed_at);

      // Back does not return to a form that would file it again.
      await page.getByRole('link', { name: 'Follow your request' }).click();
      await page.getByRole('heading', { level: 2, name: /Progress$/ }).waitFor();
      await trackFacts(page).waitFor();
      assert.equal(await trackFacts(page).getByRole('definition').and(page.locator('[data-tracking-code]')).innerText(), code);
      await assertAccessibleWidget(page, 'tracking');
      await shot(page, 'en-3-tracking');

      await page.goto(`${backend.base}requests.html#/`);
      const item = requestItem(page, id);
      await item.waitFor();
      assert.equal(await item.getAttribute('data-sync'), 'sent');
      assert.ok((await item.innerText()).includes(code));
      await assertAccessibleWidget(page, 'my requests');
      await shot(page, 'en-4-mine');
      // The self-check's header links here.
      await gotoRoute(page, backend.base);
      await (await myRequestsLink(page)).click();
      await page.waitForURL(/requests\.html#\/$/);
      await requestItem(page, id).waitFor();
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
        const shown = await pageText(page);
        assert.ok(shown.includes('门店已收到您的申请'), shown);
        if (type === 'repair') await shot(page, 'zh-received');
      }
      const rows = rowsById(ids);
      assert.deepEqual(rows.map((r) => r.request_type), ['cancel', 'return', 'exchange', 'repair', 'complaint']);
      assert.ok(rows.every((r) => JSON.parse(r.contact).phone === '13900001111'));
      await page.goto(`${backend.base}requests.html#/`);
      await requestItems(page).nth(4).waitFor();
      assert.equal(await requestItems(page).count(), 5);
      const list = await pageText(page);
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
      await page.getByText('Start with the self-check', { exact: true }).waitFor();
      assert.equal(await page.locator('[data-state="no-draft"]').count(), 1);
      assert.equal(await (await contactField(page, 'name')).count(), 0);
      const link = page.getByRole('link', { name: 'Open the self-check' });
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
      await outboxStatus(page, 'You are offline').waitFor();
      const detail = await outboxStatus(page, 'You are offline').innerText();
      assert.ok(detail.includes('You are offline'), detail);
      assert.equal(await page.evaluate(() => localStorage.getItem('aftersales:outbox-pending')), '1');
      await shot(page, 'en-offline-saved');
      assert.equal(backend.requests().filter((r) => r.id === id).length, 0, 'nothing reached the server');

      // The tab is closed while offline; the request stays on the device.
      const second = await context.newPage();
      const errors2 = errorWatch(second);
      await page.close();
      await context.setOffline(false);
      // The next visit sends it.
      await second.goto(`${backend.base}requests.html#/`);
      const item = requestItem(second, id);
      await item.waitFor();
      await requestItem(second, id, '[data-sync="sent"]').waitFor({ timeout: 30_000 });
      assert.equal(await second.evaluate(() => localStorage.getItem('aftersales:outbox-pending')), null);
      assertOneRowPerRequest('after offline filing');

      // Offline again in an open tab: the "online" event sends at once.
      await gotoRoute(second, `${backend.base}#/`);
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
    const options = { locale: 'en-US' };
    try {
      let context = await launchPersistent(profile, options);
      let page = context.pages()[0] ?? (await context.newPage());
      const errors = errorWatch(page);
      await gotoRoute(page, backend.base);
      await goToForm(page, 'exchange');
      await fillContact(page);
      await context.setOffline(true);
      const id = await submit(page);
      await waitForState(page, 'saved');
      await context.close(); // the whole browser, while the request waits

      context = await launchPersistent(profile, options);
      page = context.pages()[0] ?? (await context.newPage());
      const errors2 = errorWatch(page);
      await page.goto(`${backend.base}requests.html#/`);
      await requestItem(page, id, '[data-sync="sent"]').waitFor({ timeout: 30_000 });
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
      await heading(page).waitFor();
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
        await outboxStatus(page, 'could not be reached').waitFor({ timeout: 20_000 });
        await page.goto(`${backend.base}requests.html#/`);
        await requestItem(page, id, '[data-sync="saved"]').waitFor();
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
        await outboxStatus(page, 'could not be reached').waitFor({ timeout: 20_000 });
        assert.equal(await pageState(page), 'saved');
        await shot(page, 'en-server-down');
      } finally {
        await backend.start();
      }
      assert.equal(backend.requests().filter((r) => r.id === id).length, 0);
      assert.equal(await page.getByRole('button', { name: 'Try again now' }).count(), 1, '"try again now" offered');
      // The next attempt of the backoff (at most a few seconds after a few failures) gets through.
      await received(page, 60_000);
      assertOneRowPerRequest('after the server came back');

      // "Try again now" skips the wait after a failure to connect.
      await goToForm(page, 'cancel');
      await fillContact(page);
      await backend.stop();
      try {
        await submit(page);
        await outboxStatus(page, 'could not be reached').waitFor({ timeout: 20_000 });
      } finally {
        await backend.start();
      }
      await page.getByRole('button', { name: 'Try again now' }).click();
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
      const errorsB = errorWatch(b);
      await gotoRoute(b, `${backend.base}requests.html#/`);
      await myRequestsLoaded(b);
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
      await requestItem(b, id, '[data-sync="saved"]').waitFor({ timeout: 10_000 });
      // Both tabs get "online" and run their sync: the lock lets one send.
      await context.setOffline(false);
      await received(a, 30_000);
      await requestItem(b, id, '[data-sync="sent"]').waitFor({ timeout: 15_000 });
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
      const photoField = page.getByRole('group', { name: 'Photos (optional)' });
      const thumbs = photoField.getByRole('listitem');
      await photoField.getByLabel('Add photos').setInputFiles([
        { name: 'leg.jpg', mimeType: 'image/jpeg', buffer: big },
        { name: 'label.jpg', mimeType: 'image/jpeg', buffer: tall },
      ]);
      await photoField.getByRole('img', { name: 'Photo 2', exact: true }).waitFor({ timeout: 30_000 });
      assert.equal(await thumbs.count(), 2);
      await shot(page, 'en-photos-form');
      // Remove one and add it again: thumbnails follow.
      await photoField.getByRole('button', { name: 'Remove photo 2', exact: true }).click();
      assert.equal(await thumbs.count(), 1);
      await photoField.getByLabel('Add photos').setInputFiles([{ name: 'label.jpg', mimeType: 'image/jpeg', buffer: tall }]);
      await photoField.getByRole('img', { name: 'Photo 2', exact: true }).waitFor({ timeout: 30_000 });

      // Slow uploads, to see the progress.
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 50, downloadThroughput: 2_000_000, uploadThroughput: 100_000 });
      const id = await submit(page);
      const code = await received(page, 30_000);
      // Each photo's upload state is a data attribute of its entry (its text is a percentage or a word).
      const progress = page.locator('[data-photo-state="uploading"]').getByRole('progressbar');
      await progress.first().waitFor({ timeout: 30_000 });
      await shot(page, 'en-photos-uploading');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
      await page.getByRole('listitem').and(page.locator('[data-photo-state="done"]')).nth(1).waitFor({ timeout: 60_000 });

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
      const alert = needsFix(page);
      assert.equal(await alert.getAttribute('data-status'), '422');
      assert.ok((await alert.innerText()).includes('Please check the marked fields.'));
      // The form is back, prefilled, with the refused field marked.
      const phone = await contactField(page, 'phone');
      await phone.waitFor();
      assert.equal(await phone.inputValue(), '+4915112345678');
      assert.equal(await (await contactField(page, 'description')).inputValue(), 'Rude on the phone.');
      assert.equal(await phone.getAttribute('aria-invalid'), 'true');
      await assertAccessibleWidget(page, 'needs fix');
      await shot(page, 'en-needs-fix');
      // Listed as needing attention, never silently dropped.
      assert.equal(backend.requests().filter((r) => r.id === first).length, 0);

      await phone.fill('13800138000');
      assert.equal(await phone.getAttribute('aria-invalid'), null);
      const before = page.url();
      await (await submitButton(page)).click();
      await page.waitForURL((u) => u.toString() !== before);
      const second = decodeURIComponent(page.url().split('#/o/')[1]);
      filed.add(second);
      assert.notEqual(second, first);
      await received(page);
      const [row] = rowsById([second]);
      assert.equal(JSON.parse(row.contact).phone, '13800138000');
      await page.goto(`${backend.base}requests.html#/`);
      await requestItem(page, second).waitFor();
      assert.equal(await requestItem(page, first).count(), 0);
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
      await (await contactField(page, 'name')).waitFor();
      await fillContact(page);
      const id = await submit(page);
      filed.delete(id); // refused by the server: never stored
      await waitForState(page, 'needs_fix', 15_000);
      const alert = needsFix(page);
      assert.equal(await alert.getAttribute('data-status'), '422');
      assert.ok((await alert.innerText()).includes('go through the self-check again'), await alert.innerText());
      assert.equal(backend.requests().filter((r) => r.id === id).length, 0);
      await page.goto(`${backend.base}requests.html#/`);
      await requestItem(page, id, '[data-sync="needs_fix"]').waitFor();
      await requestItem(page, id).getByRole('link').click();
      await page.getByRole('button', { name: 'Discard this request' }).click();
      await page.waitForURL(/requests\.html#\/$/);
      await myRequestsLoaded(page);
      assert.equal(await requestItem(page, id).count(), 0);
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
      await page.getByRole('link', { name: 'Follow your request' }).click();
      const link = await page.getByRole('textbox', { name: 'Follow it on another device' }).inputValue();
      assert.equal(link, `${backend.base}requests.html#/r/${id}?code=${code}`);
      assert.equal(await page.getByRole('img', { name: 'QR code of the link' }).locator('path').count(), 1);

      // Another browser: no outbox, no storage, only the link.
      other = await newContext(browser, { locale: 'en-US' });
      const phone = await other.newPage();
      const errors2 = errorWatch(phone);
      await phone.goto(link);
      await trackFacts(phone, 'received').waitFor();
      // The soonest promise first; the service centre's call among them (which
      // promise an entry is: its data-what).
      const next = phone.getByRole('region', { name: 'What happens next' });
      const due = (what) => next.getByRole('listitem').and(phone.locator(`[data-what="${what}"]`));
      assert.equal(await next.getByRole('listitem').first().getAttribute('class'), 'asp-due asp-due-next');
      const call = await due('first_contact').innerText();
      assert.match(call, /^The service centre will call you before (today|tomorrow|Mon|Tue|Wed|Thu|Fri|Sat|Sun) ?(\d+ [A-Z][a-z]{2}, )?\d\d:\d\d\.$/);
      // The zone note follows the policy, which a fresh device may fetch after the answer.
      await next.getByText('Store time (Asia/Shanghai, UTC+8)', { exact: true }).waitFor({ timeout: 10_000 });

      // The store works on it: refreshed when the page regains focus.
      const steps = (await (await fetch(`${backend.base}api/requests/${id}?code=${code}`)).json()).decision.steps;
      await backend.transition(id, steps[1], 'Technician visit on Monday morning.');
      await phone.evaluate(() => window.dispatchEvent(new Event('focus')));
      await trackFacts(phone, 'in_progress').waitFor({ timeout: 10_000 });
      // The history is a list under its heading, without a name of its own.
      assert.ok((await phone.locator('.asp-history').innerText()).includes('Technician visit on Monday morning.'));
      // The store's first move met its acknowledgement: no longer promised.
      assert.equal(await due('acknowledge').count(), 0);
      assert.equal(await due('first_contact').count(), 1);
      assert.equal(await survey(phone).count(), 0);
      await shot(phone, 'en-tracking-in-progress');

      await backend.transition(id, 'closed', 'Repaired.');
      await phone.getByRole('button', { name: 'Refresh', exact: true }).click();
      await survey(phone, 'open').waitFor({ timeout: 10_000 });
      const send = phone.getByRole('button', { name: 'Send', exact: true });
      await send.click();
      assert.ok((await survey(phone).innerText()).includes('Please choose a rating'));
      await phone.getByRole('group', { name: /^Your rating/ }).getByRole('radio', { name: '4', exact: true }).check();
      await phone.getByLabel('Comment (optional)', { exact: true }).fill('Quick and friendly.');
      await assertAccessibleWidget(phone, 'survey');
      await shot(phone, 'en-survey');
      await send.click();
      await survey(phone, 'given').waitFor({ timeout: 10_000 });
      assert.deepEqual(backend.query(`SELECT rating, comment FROM feedback WHERE request_id = '${id}'`), [{ rating: 4, comment: 'Quick and friendly.' }]);
      // Once: not asked again, here or on the first device.
      await phone.reload();
      await survey(phone, 'given').waitFor();
      await page.reload();
      await trackFacts(page, 'closed').waitFor();
      assert.equal(await survey(page, 'open').count(), 0);
      // My requests on the first device learned the status.
      await page.goto(`${backend.base}requests.html#/`);
      await requestItem(page, id, '[data-status="closed"]').waitFor({ timeout: 10_000 });

      // A wrong code shows nothing.
      await phone.goto(`${backend.base}requests.html#/r/${id}?code=ZZZZZZZZ`);
      await phone.getByRole('alert').filter({ hasText: text('en', 'requests.track_not_found') }).waitFor();
      assert.equal(await phone.locator('[data-state="not_found"]').count(), 1);
      assertOneRowPerRequest('after tracking');
      assert.deepEqual([...errors, ...errors2], []);
    } finally {
      await other?.close();
      await context.close();
    }
  });
});
