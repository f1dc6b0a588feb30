// The start page painted into index.html at build time (src/self_check/first_paint.rs):
// it shows, in the customer's language, while the WASM is still on its way, and the
// app takes over without moving anything. The WASM is held back by the test until
// the painted page has been checked.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DESKTOP, PHONE, newContext, shot, watch } from './lib/browser.mjs';
import { chooseRequest, heading, requestName } from './lib/portal.mjs';
import { serverAndBrowser } from './lib/suite.mjs';
import { text } from './lib/texts.mjs';

const env = serverAndBrowser();

/** Sums the page's layout shifts from its very first frame (as CLS counts them). */
function recordLayoutShifts() {
  window.__shifts = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (!entry.hadRecentInput) window.__shifts += entry.value;
    }
  }).observe({ type: 'layout-shift', buffered: true });
}

/**
 * A fresh page at `hash` whose WASM download waits until `release()` is called;
 * `storage`: localStorage entries set before the page runs.
 */
async function openHeld({ locale, viewport = PHONE, hash = '', storage = {} }) {
  const context = await newContext(env.browser, { locale, viewport });
  await context.addInitScript(recordLayoutShifts);
  await context.addInitScript((entries) => {
    for (const [k, v] of Object.entries(entries)) localStorage.setItem(k, v);
  }, storage);
  const page = await context.newPage();
  const errors = watch(page);
  let release;
  const released = new Promise((resolve) => (release = resolve));
  await page.route(/_bg\.wasm$/, async (route) => {
    await released;
    await route.continue();
  });
  await page.goto(env.server.base + hash, { waitUntil: 'domcontentloaded' });
  return { context, page, errors, release };
}

/** Where the heading and the five request links are on screen, and their texts. */
async function layout(page) {
  return page.evaluate(() => {
    // What is on screen (a closed <details> shows its summary only).
    const visible = (e) => e.offsetParent !== null && (e.tagName === 'SUMMARY' || !e.closest('details:not([open])'));
    const box = (e) => {
      const r = e.getBoundingClientRect();
      return [r.x, r.y, r.width, r.height].map((n) => Math.round(n * 10) / 10);
    };
    const items = [
      ...document.querySelectorAll('h1, h2, a.asp-choice, .asp-back, .asp-page input, .asp-page button, .asp-page summary, .asp-manual-link a, .asp-footer button'),
    ].filter(visible);
    return items.map((e) => ({ text: e.tagName === 'INPUT' ? e.value : e.innerText, box: box(e) }));
  });
}

/** Resolves once the app has taken over: no painted page is left. */
const tookOver = (page) => page.locator('[data-first-paint]').first().waitFor({ state: 'detached' });

/** The painted page on show (the other language's waits hidden). */
const firstPaint = (page) => page.locator('[data-first-paint]:not([hidden])');

describe('the first page paints before the WASM arrives', () => {
  for (const [locale, viewport, name] of [
    ['zh-CN', PHONE, 'phone'],
    ['en-US', DESKTOP, 'desktop'],
  ]) {
    test(`${locale} at ${name} width: the start page in the customer's language, then the app without a shift`, async () => {
      const { context, page, errors, release } = await openHeld({ locale, viewport });
      try {
        // The customer's language is shown before any WASM.
        await assert.doesNotReject(firstPaint(page).waitFor({ state: 'visible' }));
        assert.equal(await firstPaint(page).count(), 1);
        assert.equal(await firstPaint(page).getAttribute('data-first-paint'), locale === 'en-US' ? 'en' : 'zh-CN');
        assert.equal(await page.locator('html').getAttribute('lang'), locale === 'en-US' ? 'en' : 'zh-CN');
        assert.equal(await heading(page).innerText(), text(locale, 'portal.start_title'));
        const links = page.getByRole('link', { name: text(locale, 'decision.request.cancel') });
        assert.equal(await links.count(), 1);
        // The app's own root waits hidden.
        assert.equal(await page.locator('#aftersales-portal > .asp').last().isVisible(), false);
        const before = await layout(page);
        assert.equal(before.filter((e) => e.text).length >= 8, true, JSON.stringify(before));
        await shot(page, `first-paint-${name}-${locale}`);

        release();
        await tookOver(page);
        await heading(page).waitFor();
        const afterTakeOver = await layout(page);
        assert.deepEqual(afterTakeOver, before, 'the live page sits exactly where the painted one was');
        assert.equal(await page.evaluate(() => window.__shifts), 0);

        // The live page works: a request link leads on.
        await chooseRequest(page, 'return');
        await page.waitForURL(/#\/return$/);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  }

  test('a remembered language choice wins over the browser language', async () => {
    const { context, page, release } = await openHeld({ locale: 'zh-CN', storage: { 'aftersales:lang': 'en' } });
    try {
      await firstPaint(page).waitFor({ state: 'visible' });
      assert.equal(await firstPaint(page).getAttribute('data-first-paint'), 'en');
      assert.equal(await heading(page).innerText(), text('en', 'portal.start_title'));
      release();
      await tookOver(page);
      assert.equal(await heading(page).innerText(), text('en', 'portal.start_title'));
    } finally {
      await context.close();
    }
  });

  test('the painted language switch works before the WASM, and the app keeps the choice', async () => {
    const { context, page, errors, release } = await openHeld({ locale: 'zh-CN' });
    try {
      await firstPaint(page).waitFor({ state: 'visible' });
      assert.equal(await firstPaint(page).getAttribute('data-first-paint'), 'zh-CN');
      await firstPaint(page).getByRole('button', { name: /English/ }).click();
      assert.equal(await firstPaint(page).getAttribute('data-first-paint'), 'en');
      assert.equal(await heading(page).innerText(), text('en', 'portal.start_title'));
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      assert.equal(await page.evaluate(() => localStorage.getItem('aftersales:lang')), 'en');
      release();
      await tookOver(page);
      assert.equal(await page.locator('.asp').first().getAttribute('lang'), 'en');
      assert.equal(await heading(page).innerText(), text('en', 'portal.start_title'));
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  for (const [locale, viewport, name, request] of [
    ['zh-CN', PHONE, 'phone', 'exchange'],
    ['en-US', DESKTOP, 'desktop', 'return'],
  ]) {
    test(`${locale} at ${name} width: a store's link to a request's order step paints that page, then the app without a shift`, async () => {
      const lang = locale === 'en-US' ? 'en' : 'zh-CN';
      const { context, page, errors, release } = await openHeld({ locale, viewport, hash: `#/${request}?order=SO-24003` });
      try {
        await firstPaint(page).waitFor({ state: 'visible' });
        const title = `${requestName(lang, request)} · ${text(lang, 'portal.order_title')}`;
        assert.equal(await heading(page).innerText(), title);
        assert.equal(await firstPaint(page).locator('input[type="text"]').inputValue(), 'SO-24003');
        assert.equal(await firstPaint(page).locator('.asp-manual-link a').getAttribute('href'), `#/${request}/manual`);
        assert.equal(await firstPaint(page).locator('a.asp-choice').count(), 0, 'no start page');
        // Nothing typed into the painted form could be kept: it waits for the app.
        assert.equal(await firstPaint(page).locator('[data-paint-route="order"][inert]').count(), 1);
        const before = await layout(page);
        assert.ok(before.length >= 8, JSON.stringify(before));
        await shot(page, `first-paint-order-${name}-${locale}`);

        release();
        await tookOver(page);
        await page.locator('#asp-order-number').waitFor();
        assert.deepEqual(await layout(page), before, 'the live page sits exactly where the painted one was');
        assert.equal(await page.evaluate(() => window.__shifts), 0);
        assert.equal(await page.locator('#asp-order-number').inputValue(), 'SO-24003');
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  }

  test('any other deep link shows the header only, then its own page', async () => {
    const { context, page, errors, release } = await openHeld({ locale: 'en-US', hash: '#/return/items' });
    try {
      await firstPaint(page).waitFor({ state: 'visible' });
      assert.equal(await page.getByRole('heading', { level: 1 }).isVisible(), true);
      assert.equal(await heading(page).count(), 0, 'no painted page on this deep link');
      release();
      await tookOver(page);
      await heading(page).waitFor();
      assert.notEqual(await heading(page).innerText(), text('en', 'portal.start_title'));
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
