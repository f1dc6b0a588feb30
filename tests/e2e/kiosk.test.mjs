// Kiosk mode (docs/kiosk.md): a shared touch screen in portrait, 1080 × 1920, with
// touch. A whole check and filing; the idle warning on time, announced and with its
// chime, "I'm still here" keeping the page; the reset that leaves nothing of the
// customer on screen, behind Back, or in any storage; a request filed while the
// network is down that survives the reset and reaches the server exactly once; the
// answer handed over to a phone; target and text sizes; axe; screenshots.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { assertAccessible } from './lib/axe.mjs';
import { DIST } from './lib/backend.mjs';
import { PHONE, newContext, shot, watch } from './lib/browser.mjs';
import { answerAll, chooseDemoOrder, chooseRequest, fileLink, heading, openDemoOrders, readDecision, shownLang } from './lib/portal.mjs';
import { serverAndBrowser } from './lib/suite.mjs';
import { DEMO, contactField, fillContact, received, submit, waitForState } from './lib/requests.mjs';
import { text } from './lib/texts.mjs';

const KIOSK = { width: 1080, height: 1920 };
const CUSTOMER = { name: '陈先生', phone: '139 1234 5678' };
const PHONE_DIGITS = CUSTOMER.phone.replaceAll(' ', '');

const env = serverAndBrowser();

/**
 * In the page: opens the IndexedDB database `name` if it exists, never creating
 * it (an upgrade means it did not: aborted) and never waiting on a deletion under
 * way (blocked or failed: null).
 */
function openExistingDatabase() {
  window.openExisting = (name) =>
    new Promise((ok) => {
      const r = indexedDB.open(name);
      r.onupgradeneeded = () => r.transaction.abort();
      r.onsuccess = () => ok(r.result);
      r.onerror = () => ok(null);
      r.onblocked = () => ok(null);
    });
}

/** Counts the warning's chimes (tones started) in `window.__tones`. */
function countTones() {
  window.__tones = 0;
  const start = globalThis.OscillatorNode?.prototype.start;
  if (start) {
    OscillatorNode.prototype.start = function (...args) {
      window.__tones += 1;
      return start.apply(this, args);
    };
  }
}

/** A kiosk: a touch screen in portrait, its service worker allowed (it works offline). */
async function openKiosk(query) {
  const context = await newContext(env.browser, {
    viewport: KIOSK,
    hasTouch: true,
    locale: 'zh-CN',
    serviceWorkers: 'allow',
  });
  await context.addInitScript(countTones);
  await context.addInitScript(openExistingDatabase);
  const page = await context.newPage();
  const errors = watch(page, { network: false });
  await page.goto(`${env.server.base}index.html?kiosk=1&${query}`);
  return { context, page, errors };
}

const welcomeButton = (page, lang) => page.getByRole('button', { name: text(lang, 'kiosk.welcome_title') });
const idleDialog = (page) => page.getByRole('alertdialog');

/** The welcome screen → the start page. */
async function tapToStart(page, lang = 'zh-CN') {
  await welcomeButton(page, lang).tap();
  await heading(page).filter({ hasText: text(lang, 'portal.start_title') }).waitFor();
}

/** Start → a return of the demo order → its answer. */
async function checkAReturn(page) {
  await chooseRequest(page, 'return');
  await openDemoOrders(page);
  await chooseDemoOrder(page, DEMO.return);
  await answerAll(page, 'yes', { reason: 'other' });
}

/**
 * Visible targets smaller than 48 × 48 CSS px, and visible text under 18 px: as
 * lines naming the element.
 */
function undersized(page) {
  return page.evaluate(() => {
    const problems = [];
    const shown = (el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    };
    const name = (el) => `${el.tagName.toLowerCase()} "${(el.innerText || el.getAttribute('aria-label') || el.value || '').trim().slice(0, 30)}"`;
    // The app's page and the kiosk's own controls around it.
    for (const root of [document.getElementById('aftersales-portal'), document.getElementById('aftersales-kiosk')]) {
      for (const el of root.querySelectorAll('a, button, select, textarea, input:not([type=radio]):not([type=checkbox]), label.asp-check')) {
        if (!shown(el) || el.closest('.asp-sr')) continue;
        const r = el.getBoundingClientRect();
        if (r.width < 48 || r.height < 48) problems.push(`target ${name(el)} ${Math.round(r.width)}×${Math.round(r.height)}`);
      }
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement;
        if (!node.textContent.trim() || !shown(el) || el.closest('.asp-sr, svg')) continue;
        const size = parseFloat(getComputedStyle(el).fontSize);
        if (size < 18) problems.push(`text ${name(el)} ${size}px`);
      }
    }
    return problems;
  });
}

/** The portal's own files (dist/): the same bytes for every customer. */
const APP_FILES = readdirSync(DIST, { recursive: true }).map((f) => `/${f.split(path.sep).join('/')}`);

/**
 * Everything the browser keeps for the page's origin, as text: both storages,
 * IndexedDB, Cache Storage (a cached file of the portal itself by its address
 * only: its bytes are the app's, the same for everyone).
 */
function storedText(page) {
  return page.evaluate(async (appFiles) => {
    const out = [];
    for (const s of [localStorage, sessionStorage]) {
      for (let i = 0; i < s.length; i++) out.push(`${s.key(i)}=${s.getItem(s.key(i))}`);
    }
    for (const { name } of await indexedDB.databases()) {
      const db = await openExisting(name);
      if (!db) continue;
      for (const store of db.objectStoreNames) {
        const all = await new Promise((ok) => {
          const r = db.transaction(store).objectStore(store).getAll();
          r.onsuccess = () => ok(r.result);
        });
        for (const v of all) out.push(`idb ${store}: ${typeof v === 'string' ? v : '[blob]'}`);
      }
      db.close();
    }
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        const own = appFiles.includes(new URL(request.url).pathname);
        const body = own ? '(a file of the portal)' : await (await cache.match(request)).text();
        out.push(`cache ${request.url}: ${body}`);
      }
    }
    return out.join('\n');
  }, APP_FILES);
}

/** Records of the device store's object stores (0 when the database is gone). */
function storedRecords(page) {
  return page.evaluate(async () => {
    const db = await openExisting('aftersales');
    if (!db) return 0;
    let n = 0;
    for (const store of db.objectStoreNames) {
      n += await new Promise((ok) => {
        const r = db.transaction(store).objectStore(store).count();
        r.onsuccess = () => ok(r.result);
      });
    }
    db.close();
    return n;
  });
}

/** Fails if any of `secrets` is on the page. */
async function assertNotShown(page, secrets, where) {
  const screen = await page.locator('body').innerText();
  for (const secret of secrets) assert.ok(!screen.includes(secret), `${where}: "${secret}" is on screen`);
}

/** Fails if any of `secrets` is on the page or kept by the browser. */
async function assertForgotten(page, secrets, where) {
  const screen = await page.locator('body').innerText();
  const stored = await storedText(page);
  for (const secret of secrets) {
    assert.ok(!screen.includes(secret), `${where}: "${secret}" is on screen`);
    assert.ok(!stored.includes(secret), `${where}: "${secret}" is stored:\n${stored.slice(0, 2000)}`);
  }
}

describe('kiosk mode', () => {
  test('a check and a filing, then idle: warned on time, continued, then reset with nothing left behind', { timeout: 120_000 }, async () => {
    const { context, page, errors } = await openKiosk('idle=6&warn=4');
    try {
      // The welcome screen: the store, the language up front, "Tap to start".
      await welcomeButton(page, 'zh-CN').waitFor();
      await page.getByRole('group', { name: text('zh-CN', 'kiosk.language') }).getByRole('button', { name: 'English' }).waitFor();
      await assertAccessible(page, 'the welcome screen');
      await shot(page, 'kiosk-zh-welcome');
      const historyAtStart = await page.evaluate(() => history.length);
      await tapToStart(page);
      assert.deepEqual(await undersized(page), [], 'the start page');
      // The text-size control scales the whole page.
      const rootSize = () => page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
      const standard = await rootSize();
      assert.ok(standard >= 22, `root text ${standard}px`);
      await page.getByRole('button', { name: text('zh-CN', 'kiosk.text_largest') }).tap();
      assert.ok((await rootSize()) > standard * 1.3, 'the largest text is larger');
      await shot(page, 'kiosk-zh-start-largest');
      await page.getByRole('button', { name: text('zh-CN', 'kiosk.text_standard') }).tap();
      assert.equal(await rootSize(), standard);
      // No way out: a link to another site, the context menu, selecting the interface.
      const exits = await page.evaluate(() => {
        const link = Object.assign(document.createElement('a'), { href: 'https://example.com/', textContent: 'out' });
        document.querySelector('.asp-page').append(link);
        const click = new MouseEvent('click', { bubbles: true, cancelable: true });
        link.dispatchEvent(click);
        link.remove();
        const menu = new MouseEvent('contextmenu', { bubbles: true, cancelable: true });
        document.querySelector('.asp-page-title').dispatchEvent(menu);
        return { link: click.defaultPrevented, menu: menu.defaultPrevented, select: getComputedStyle(document.querySelector('.asp-page-title')).userSelect };
      });
      assert.deepEqual(exits, { link: true, menu: true, select: 'none' });
      assert.match(page.url(), /index\.html\?kiosk=1/);
      await page.getByRole('navigation').getByRole('link', { name: text('zh-CN', 'portal.my_requests') }).waitFor({ state: 'detached' });

      await checkAReturn(page);
      const decision = await readDecision(page);
      assert.deepEqual(await undersized(page), [], 'the answer page');
      // Continue on my phone: a QR code of a link with the answers, not the phone.
      const handOff = page.locator('.asp-phone-qr');
      await handOff.getByRole('img', { name: text('zh-CN', 'kiosk.phone_qr') }).waitFor();
      const link = await handOff.getAttribute('data-link');
      assert.match(link, /index\.html#\/return\/answer\?draft=/);
      assert.ok(!link.includes('kiosk'), link);
      await assertAccessible(page, 'the answer page');
      await shot(page, 'kiosk-zh-answer');
      env.handOff = { link, decision };

      await (await fileLink(page)).click();
      await page.waitForURL(/requests\.html\?kiosk=1.*#\/file\/return$/);
      const phone = await contactField(page, 'phone');
      await phone.waitFor();
      assert.equal(await phone.getAttribute('inputmode'), 'tel');
      // The kiosk quiets every field as it appears.
      await page.waitForFunction(() => {
        const fields = document.querySelectorAll('#aftersales-portal :is(input, textarea)');
        return fields.length > 0 && [...fields].every((f) => f.autocomplete === 'off' && f.getAttribute('spellcheck') === 'false');
      });
      await fillContact(page, CUSTOMER);
      assert.deepEqual(await undersized(page), [], 'the form');
      await shot(page, 'kiosk-zh-form');
      const id = await submit(page);
      const code = await received(page);
      await page.getByRole('img', { name: text('zh-CN', 'kiosk.track_qr') }).waitFor();
      await page.getByRole('button', { name: text('zh-CN', 'kiosk.done') }).waitFor();
      await shot(page, 'kiosk-zh-filed');
      assert.equal(env.server.count(), 1);
      // Nothing the customer did added a history entry a later customer could go back to.
      assert.equal(await page.evaluate(() => history.length), historyAtStart);

      // Idle: the warning comes `idle` seconds after the last touch, announced,
      // with its chime, focus on "I'm still here".
      await page.tap('.asp-code');
      const quietFrom = Date.now();
      await idleDialog(page).waitFor({ timeout: 12_000 });
      const after = (Date.now() - quietFrom) / 1000;
      assert.ok(after >= 5.5 && after < 8, `the warning came after ${after} s, not 6`);
      await page.getByRole('heading', { name: text('zh-CN', 'kiosk.idle_title') }).waitFor();
      const live = page.locator('[aria-live="assertive"]');
      assert.match(await live.innerText(), /\d+ 秒后/);
      assert.ok((await page.evaluate(() => window.__tones)) >= 1, 'no chime');
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.action), 'still-here');
      await assertAccessible(page, 'the idle warning');
      await shot(page, 'kiosk-zh-idle');
      await page.getByRole('button', { name: text('zh-CN', 'kiosk.still_here') }).tap();
      await idleDialog(page).waitFor({ state: 'detached' });
      assert.equal(await page.locator('[data-tracking-code]').first().getAttribute('data-tracking-code'), code, 'the page was kept');

      // Left alone: warned again, then reset to the welcome screen.
      await idleDialog(page).waitFor({ timeout: 12_000 });
      await welcomeButton(page, 'zh-CN')
        .waitFor({ timeout: 15_000 })
        .catch((e) => assert.fail(`no welcome screen at ${page.url()}: ${e.message}; errors: ${errors}`));
      assert.match(page.url(), /index\.html\?kiosk=1&idle=6&warn=4#\/$/);
      const secrets = [CUSTOMER.name, CUSTOMER.phone, PHONE_DIGITS, DEMO.return, code, id];
      await assertForgotten(page, secrets, 'after the reset');
      assert.equal(await storedRecords(page), 0, 'the device store is empty');
      // Back reaches nothing of the customer's either.
      await page.goBack().catch(() => {});
      await page.waitForTimeout(500);
      if (page.url().startsWith(env.server.base)) await assertForgotten(page, secrets, 'after Back');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('a request filed while the network is down survives the reset and arrives exactly once', { timeout: 120_000 }, async () => {
    const before = env.server.count();
    const { context, page, errors } = await openKiosk('idle=300&warn=20');
    try {
      // The language chosen on the welcome screen.
      await welcomeButton(page, 'zh-CN').waitFor();
      await page.getByRole('group', { name: text('zh-CN', 'kiosk.language') }).getByRole('button', { name: 'English' }).tap();
      await welcomeButton(page, 'en').tap();
      assert.equal(await shownLang(page), 'en');
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15_000 });
      await checkAReturn(page);
      await shot(page, 'kiosk-en-answer');
      await (await fileLink(page)).click();
      await (await contactField(page, 'name')).waitFor();
      await fillContact(page, CUSTOMER);

      await context.setOffline(true);
      await submit(page);
      await waitForState(page, 'saved');
      await shot(page, 'kiosk-en-saved-offline');
      await page.getByRole('button', { name: text('en', 'kiosk.done') }).tap();
      await welcomeButton(page, 'zh-CN').waitFor({ timeout: 15_000 });
      await assertNotShown(page, [CUSTOMER.name, CUSTOMER.phone, PHONE_DIGITS, DEMO.return], 'after the reset');
      // Kept, unseen, for the courier: in the outbox and nowhere else.
      const kept = (await storedText(page)).split('\n').filter((line) => line.includes(CUSTOMER.name));
      assert.equal(kept.length, 1, kept.join('\n'));
      assert.match(kept[0], /^idb outbox: /);
      await page.locator('iframe.asp-courier').waitFor({ state: 'attached' });
      assert.equal(env.server.count(), before, 'nothing could be sent yet');

      await context.setOffline(false);
      for (let i = 0; i < 100 && env.server.count() === before; i++) await page.waitForTimeout(300);
      assert.equal(env.server.count(), before + 1, 'the courier delivered it');
      const filed = env.server.requests().at(-1);
      assert.ok(filed.contact.includes(CUSTOMER.name), filed.contact);
      // Then it leaves the device.
      for (let i = 0; i < 50 && (await storedRecords(page)) > 0; i++) await page.waitForTimeout(300);
      assert.equal(await storedRecords(page), 0, 'the device store is empty once delivered');
      await assertForgotten(page, [CUSTOMER.name, CUSTOMER.phone, PHONE_DIGITS], 'after delivery');
      await page.waitForTimeout(3_000);
      assert.equal(env.server.count(), before + 1, 'exactly once');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('"continue on my phone" opens the same answer on another device', async () => {
    assert.ok(env.handOff, 'the first test handed over an answer');
    const context = await newContext(env.browser, { viewport: PHONE, locale: 'zh-CN' });
    try {
      const page = await context.newPage();
      const errors = watch(page);
      await page.goto(env.handOff.link);
      await page.waitForURL(/#\/return\/answer$/);
      const decision = await readDecision(page);
      assert.equal(decision.clause, env.handOff.decision.clause);
      assert.equal(decision.outcome, env.handOff.decision.outcome);
      assert.equal(decision.headline, env.handOff.decision.headline);
      assert.ok(!(await page.locator('body').innerText()).includes(PHONE_DIGITS));
      await shot(page, 'kiosk-zh-phone-handoff');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
