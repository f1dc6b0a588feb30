// The portal inside a store's own page (docs/embedding.md): the two-line snippet on
// a second site (`localhost` against the portal's `127.0.0.1`), the frame sized to
// its content, the events and their payloads, live language, reset(), filing inside
// the frame, the origin rules and the isolation of both pages' CSS.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { assertAccessible, axeViolations } from './lib/axe.mjs';
import { Backend } from './lib/backend.mjs';
import { DESKTOP, PHONE, launch, launchWithPartitionedStorage, newContext, shot, watch } from './lib/browser.mjs';
import { HostSite, startDemoShop, storePage } from './lib/host.mjs';
import { answerAll, chooseDemoOrder, chooseRequest, fileLink, heading, openDemoOrders, shownLang } from './lib/portal.mjs';
import { DEMO, fillContact, myRequestsLoaded, received, requestItem, submit, submitButton } from './lib/requests.mjs';
import { text } from './lib/texts.mjs';

const env = {};

before(async () => {
  env.store = await HostSite.started();
  env.stranger = await HostSite.started();
  env.server = await Backend.started({ args: ['--allowed-origins', `${env.store.origin},${env.store.sameSiteOrigin}`] });
  env.shop = await startDemoShop(env.server.base);
  env.server.args.push('--allowed-origins', env.shop.origin);
  await env.server.stop();
  await env.server.start();
  env.browser = await launch();
});

after(async () => {
  await env.browser?.close();
  env.shop?.stop();
  await env.server?.destroy();
  await env.store?.stop();
  await env.stranger?.stop();
});

/** Records every portal event the store's page hears in `window.__events`. */
function recordPortalEvents() {
  if (window.top !== window) return;
  window.__events = [];
  for (const name of ['ready', 'navigate', 'decision', 'filed']) {
    document.addEventListener(`aftersales-${name}`, (e) => window.__events.push({ name, detail: e.detail }));
  }
}

/** The store's page at `url` in a fresh context; its portal frame once the app is in it. */
async function openStore(url, { viewport = PHONE, locale = 'zh-CN' } = {}) {
  const context = await newContext(env.browser, { viewport, locale });
  await context.addInitScript(recordPortalEvents);
  const page = await context.newPage();
  const errors = watch(page);
  await page.goto(url);
  const frame = await portalFrame(page);
  await heading(frame).waitFor();
  return { context, page, frame, errors };
}

/** The portal's frame (the element's shadow root is closed: found among the page's frames). */
async function portalFrame(page) {
  for (let i = 0; i < 150; i++) {
    const frame = page.frames().find((f) => f.url().startsWith(env.server.base));
    if (frame) return frame;
    await page.waitForTimeout(100);
  }
  throw new Error('no portal frame');
}

const events = (page) => page.evaluate(() => window.__events);

/** In the frame: a return of the demo order checked, then its filing form opened. */
async function returnUpToTheForm(frame) {
  await chooseRequest(frame, 'return');
  await openDemoOrders(frame);
  await chooseDemoOrder(frame, DEMO.return);
  await answerAll(frame, 'yes', { reason: 'other' });
  await (await fileLink(frame)).click();
}

/** What the portal keeps in the frame's storage: its keys and databases. */
const frameStorage = (frame) =>
  frame.evaluate(async () => ({
    local: Object.keys(localStorage).filter((k) => k.startsWith('aftersales:')),
    session: Object.keys(sessionStorage).filter((k) => k.startsWith('aftersales:')),
    databases: (await indexedDB.databases()).map((d) => d.name),
  }));

/** Waits until the store's page heard `name` (`count` times). */
async function heard(page, name, count = 1) {
  await page.waitForFunction(([n, c]) => window.__events.filter((e) => e.name === n).length >= c, [name, count], {
    timeout: 20_000,
  });
}

/**
 * The frame's height equals its content's, and nothing inside scrolls or is cut off
 * (waits for the sizing to settle).
 */
async function assertFits(page, frame, where) {
  const iframe = await frame.frameElement();
  let last;
  for (let i = 0; i < 60; i++) {
    const outer = (await iframe.boundingBox()).height;
    const inner = await frame.evaluate(() => {
      const de = document.documentElement;
      return { content: de.getBoundingClientRect().height, scroll: de.scrollHeight, client: de.clientHeight, wide: de.scrollWidth - de.clientWidth };
    });
    last = { outer, ...inner };
    if (Math.abs(outer - inner.content) <= 1 && inner.scroll <= inner.client + 1 && inner.wide <= 0) return last;
    await page.waitForTimeout(100);
  }
  assert.fail(`the frame does not fit its content on ${where}: ${JSON.stringify(last)}`);
}

describe('embedded in a store\'s page', () => {
  test('a check and a filing inside the frame: every event with its payload, no personal data, one request on the server', async () => {
    const url = env.store.page('/service', storePage(env.server.base));
    const { context, page, frame, errors } = await openStore(url);
    try {
      await heard(page, 'ready');
      assert.equal(await shownLang(frame), 'zh-CN');
      // No brand bar inside: the store's page has its own header.
      assert.ok((await frame.locator('.asp-heading').boundingBox()).height <= 1);
      await chooseRequest(frame, 'return');
      await openDemoOrders(frame);
      await chooseDemoOrder(frame, DEMO.return);
      await answerAll(frame, 'yes', { reason: 'other' });
      await heard(page, 'decision');
      await (await fileLink(frame)).click();
      // The check travels in the frame's own address: the browser keeps no tab storage here.
      await frame.waitForURL(/requests\.html\?embed=1&lang=zh-CN#\/file\/return\?draft=.+$/);
      await fillContact(frame, { name: '王女士', phone: '138 0013 8000', description: '沙发腿松动' });
      // This browser keeps nothing for a third-party frame: the customer is told
      // before submitting, and the request goes straight to the server.
      assert.equal(await frame.evaluate(() => { try { return !!localStorage; } catch { return false; } }), false);
      await frame.locator('[data-notice="no-device-store"]').waitFor();
      assert.equal(await frame.locator('[data-notice="no-device-store"]').innerText(), text('zh-CN', 'requests.no_device_store'));
      await (await submitButton(frame)).click();
      await frame.waitForURL(/#\/r\/[^?]+\?code=/, { timeout: 30_000 });
      const [, id, code] = frame.url().match(/#\/r\/([^?]+)\?code=(.+)$/);
      await heard(page, 'filed');

      const seen = await events(page);
      const names = seen.map((e) => e.name);
      assert.deepEqual(seen.filter((e) => e.name === 'ready').map((e) => e.detail), [{ version: '0.1.0' }], 'ready once');
      const pages = seen.filter((e) => e.name === 'navigate').map((e) => e.detail.page);
      for (const p of ['start', 'order', 'question', 'answer', 'file', 'track']) assert.ok(pages.includes(p), `navigate ${p}: ${pages}`);
      const decision = seen.find((e) => e.name === 'decision').detail;
      assert.deepEqual(Object.keys(decision).sort(), ['clause', 'outcome', 'type']);
      assert.equal(decision.type, 'return');
      assert.match(decision.outcome, /^[a-z_]+$/);
      assert.match(decision.clause, /^[a-z_]+\.[a-z_.]+$/);
      assert.deepEqual(seen.filter((e) => e.name === 'filed').map((e) => e.detail), [{ id, type: 'return' }]);
      assert.ok(names.indexOf('filed') > names.indexOf('decision'));
      const everything = JSON.stringify(seen);
      for (const personal of ['13800138000', '138 0013 8000', '王女士', '沙发腿', DEMO.return, code]) {
        assert.ok(!everything.includes(personal), `an event carries ${personal}: ${everything}`);
      }
      // Exactly one request on the server, the one the store's page heard of.
      assert.deepEqual(env.server.query(`SELECT id FROM requests WHERE id = '${id}'`), [{ id }]);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  for (const [width, name] of [
    [320, 'narrowest'],
    [390, 'phone'],
    [1280, 'desktop'],
  ]) {
    test(`at ${width} px the frame is as tall as its content on the first page, a question, an answer and the filing form`, async () => {
      const viewport = { width, height: width > 1000 ? 800 : 700 };
      const url = env.store.page('/sizing', storePage(env.server.base, { attrs: 'lang="en" request="return"' }));
      const { context, page, frame } = await openStore(url, { viewport });
      try {
        await assertFits(page, frame, 'the order page');
        const first = (await (await frame.frameElement()).boundingBox()).width;
        assert.ok(Math.abs(first - (width - 16)) <= 1, `the frame fills the element's width: ${first}`);
        await openDemoOrders(frame);
        await assertFits(page, frame, 'the order page with the demo orders open');
        await chooseDemoOrder(frame, DEMO.return);
        await assertFits(page, frame, 'a question page');
        await answerAll(frame, 'yes', { reason: 'other' });
        await assertFits(page, frame, 'the answer page');
        if (width !== 320) await shot(page, `embed-answer-${name}-en`);
        // The requests app, another page in the same frame, sizes it too.
        await (await fileLink(frame)).click();
        await frame.waitForURL(/requests\.html\?embed=1.*#\/file\/return/);
        await frame.locator('[data-notice="no-device-store"]').waitFor();
        await assertFits(page, frame, 'the filing form (the requests app)');
        if (width !== 320) await shot(page, `embed-form-${name}-en`);
      } finally {
        await context.close();
      }
    });
  }

  test('the language switches live, without reloading the portal', async () => {
    const url = env.store.page('/lang', storePage(env.server.base));
    const { context, page, frame } = await openStore(url);
    try {
      await heard(page, 'ready');
      await chooseRequest(frame, 'repair');
      await frame.waitForURL(/#\/repair$/);
      await frame.evaluate(() => (window.__sameDocument = true));
      assert.equal(await shownLang(frame), 'zh-CN');
      const iframe = await frame.frameElement();
      assert.equal(await iframe.getAttribute('title'), '售后自助服务');
      await page.evaluate(() => document.querySelector('aftersales-portal').setAttribute('lang', 'en'));
      await frame.locator('.asp[lang="en"]').waitFor();
      assert.ok((await heading(frame).innerText()).endsWith(text('en', 'portal.order_title')));
      assert.equal(await frame.evaluate(() => window.__sameDocument), true, 'not reloaded');
      assert.equal(await iframe.getAttribute('title'), 'After-sales self-service');
      assert.match(frame.url(), /#\/repair$/);
    } finally {
      await context.close();
    }
  });

  test('on the portal\'s own site (storage kept): filing through the outbox, then reset() leaves nothing of the customer and returns to the first page', async () => {
    const url = env.store.page('/reset', storePage(env.server.base, { attrs: 'lang="en"' }), { sameSite: true });
    const { context, page, frame } = await openStore(url);
    try {
      await heard(page, 'ready');
      await returnUpToTheForm(frame);
      await fillContact(frame);
      const id = await submit(frame);
      await received(frame);
      await heard(page, 'filed');
      assert.deepEqual(env.server.query(`SELECT id FROM requests WHERE id = '${id}'`), [{ id }]);
      const before = await frameStorage(frame);
      assert.ok(before.databases.includes('aftersales'), JSON.stringify(before));
      assert.ok(before.session.length > 0, JSON.stringify(before));

      await page.evaluate(() => document.querySelector('aftersales-portal').reset());
      await heard(page, 'ready', 2);
      await heading(frame).waitFor();
      assert.equal(await heading(frame).innerText(), text('en', 'portal.start_title'));
      assert.match(frame.url(), /index\.html\?embed=1&lang=en#\/$/);
      assert.deepEqual(await frameStorage(frame), { local: [], session: [], databases: [] });
    } finally {
      await context.close();
    }
  });

  test('on another site with the partitioned storage a browser profile gives a third-party frame: the outbox and "My requests" live in the partition, and reset() empties it', { timeout: 120_000 }, async () => {
    // A customer's everyday profile (a fresh context is incognito-like and gives a
    // third-party frame no storage at all: the first test).
    const profile = await mkdtemp(path.join(os.tmpdir(), 'aftersales-partition-'));
    const context = await launchWithPartitionedStorage(profile, { locale: 'en-US', viewport: PHONE });
    try {
      await context.addInitScript(recordPortalEvents);
      const page = context.pages()[0] ?? (await context.newPage());
      const errors = watch(page);
      await page.goto(env.store.page('/partitioned', storePage(env.server.base, { attrs: 'lang="en"' })));
      const frame = await portalFrame(page);
      await heading(frame).waitFor();
      await heard(page, 'ready');
      assert.equal(await frame.evaluate(() => { try { localStorage.setItem('aftersales:probe', '1'); localStorage.removeItem('aftersales:probe'); return true; } catch { return false; } }), true, 'the frame has storage');

      await returnUpToTheForm(frame);
      await fillContact(frame);
      // Storage is there: no warning, and the request goes through the outbox.
      assert.equal(await frame.locator('[data-notice="no-device-store"]').count(), 0);
      const id = await submit(frame);
      await received(frame);
      await heard(page, 'filed');
      assert.deepEqual(env.server.query(`SELECT id FROM requests WHERE id = '${id}'`), [{ id }]);

      // "My requests" inside this store's frame lists it...
      await frame.goto(`${env.server.base}requests.html?embed=1&lang=en#/`);
      await requestItem(frame, id).waitFor();
      // ...while the portal's own site, in the same browser, keeps its storage apart.
      const own = await context.newPage();
      await own.goto(`${env.server.base}requests.html#/`);
      await myRequestsLoaded(own);
      assert.equal(await requestItem(own, id).count(), 0, 'the partition is not the portal\'s first-party storage');
      const ownDatabases = await own.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
      await own.close();

      await page.evaluate(() => document.querySelector('aftersales-portal').reset());
      await heard(page, 'ready', 2);
      await heading(frame).waitFor();
      assert.equal(await heading(frame).innerText(), text('en', 'portal.start_title'));
      assert.deepEqual(await frameStorage(frame), { local: [], session: [], databases: [] });
      // The portal's own site was not touched by the store's reset().
      const again = await context.newPage();
      await again.goto(`${env.server.base}requests.html#/`);
      await myRequestsLoaded(again);
      assert.deepEqual(await again.evaluate(async () => (await indexedDB.databases()).map((d) => d.name)), ownDatabases);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    }
  });

  test('messages from any other window are not passed on, in either direction', async () => {
    // A sibling frame of the store's own origin forges portal messages both ways.
    const forger = env.store.page(
      '/forger',
      `<!DOCTYPE html><html lang="en"><title>forger</title><script>
        var forged = { aftersales: 1, type: 'navigate', data: { page: 'forged' } };
        parent.postMessage(forged, '*');
        for (var i = 0; i < parent.frames.length; i++) {
          if (parent.frames[i] !== window) parent.frames[i].postMessage({ aftersales: 1, type: 'lang', data: { lang: 'en' } }, '*');
        }
      </script></html>`,
    );
    const url = env.store.page('/siblings', storePage(env.server.base, { body: '<div id="later"></div>' }));
    const { context, page, frame } = await openStore(url);
    try {
      await heard(page, 'ready');
      // The store's page itself posts to itself too.
      await page.evaluate(() => window.postMessage({ aftersales: 1, type: 'filed', data: { id: 'forged', type: 'return' } }, '*'));
      await page.evaluate((src) => {
        const f = document.createElement('iframe');
        f.src = src;
        f.title = 'forger';
        document.getElementById('later').append(f);
        return new Promise((resolve) => f.addEventListener('load', resolve));
      }, forger);
      await page.waitForTimeout(500);
      const seen = JSON.stringify(await events(page));
      assert.ok(!seen.includes('forged'), seen);
      assert.equal(await shownLang(frame), 'zh-CN', 'the sibling could not switch the language');
    } finally {
      await context.close();
    }
  });

  test('a site outside allowed_origins gets no working portal', async () => {
    const url = env.stranger.page('/stolen', storePage(env.server.base));
    const context = await newContext(env.browser, { viewport: PHONE });
    await context.addInitScript(recordPortalEvents);
    const page = await context.newPage();
    try {
      await page.goto(url);
      await page.waitForTimeout(2_000);
      const framed = page.frames().filter((f) => f !== page.mainFrame());
      assert.equal(framed.length, 1);
      // The browser refused to render it (CSP frame-ancestors): no portal inside.
      assert.equal(await framed[0].locator('#aftersales-portal').count(), 0);
      assert.deepEqual(await events(page), []);
    } finally {
      await context.close();
    }
  });

  test("the store's CSS does not reach the portal, nor the portal's the store", async () => {
    const hostile = `
      iframe { border: 9px solid red !important; height: 50px !important; }
      aftersales-portal iframe { display: none !important; }
      * { font-family: "Comic Sans MS", fantasy !important; }
      .asp, .asp-page, h2 { display: none !important; }
      p { color: rgb(1, 2, 3); }`;
    const url = env.store.page('/hostile', storePage(env.server.base, { css: hostile, body: '<p id="store-text" class="asp-intro">The store’s text</p>' }));
    const { context, page, frame } = await openStore(url);
    try {
      const iframe = await frame.frameElement();
      const look = await iframe.evaluate((f) => {
        const s = getComputedStyle(f);
        return { border: s.borderTopWidth, display: s.display };
      });
      assert.deepEqual(look, { border: '0px', display: 'block' });
      await assertFits(page, frame, 'the first page under hostile CSS');
      assert.ok(await heading(frame).isVisible());
      const font = await heading(frame).evaluate((h) => getComputedStyle(h).fontFamily);
      assert.ok(!/Comic/.test(font), font);
      // The portal's `.asp-intro` rule stays in the portal.
      const storeText = await page.locator('#store-text').evaluate((p) => {
        const s = getComputedStyle(p);
        return { color: s.color, size: s.fontSize };
      });
      assert.deepEqual(storeText, { color: 'rgb(1, 2, 3)', size: '16px' });
    } finally {
      await context.close();
    }
  });

  for (const [viewport, name] of [
    [PHONE, 'phone'],
    [DESKTOP, 'desktop'],
  ]) {
    test(`the demo shop (scripts/run.sh) at ${name} width: accessible, both languages, screenshots`, async () => {
      const { context, page, frame, errors } = await openStore(`${env.shop.origin}/`, { viewport });
      try {
        await heard(page, 'ready');
        await assertFits(page, frame, 'the demo shop');
        await assertAccessible(page, 'the demo shop with the portal in it');
        assert.deepEqual(await axeViolations(frame), [], 'axe violations inside the frame');
        await shot(page, `embed-shop-${name}-zh-CN`);
        // The shop's own language switch switches the portal too.
        await page.getByRole('button', { name: 'English' }).click();
        await frame.locator('.asp[lang="en"]').waitFor();
        await chooseRequest(frame, 'exchange');
        await heard(page, 'navigate', 2);
        await assertFits(page, frame, 'the demo shop, order page');
        await shot(page, `embed-shop-${name}-en`);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  }
});
