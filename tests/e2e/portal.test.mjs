// Browser tests of the customer self-check, end to end against the real server
// (target/debug/aftersales-server serving dist/ and the API on a fresh SQLite file
// with its demo orders), in Debian's Chromium through playwright-core.
// Run with tests/e2e/run.sh after scripts/build-portal.sh.
//
// The page's clock starts at a fixed instant so that the portal's demo orders,
// placed relative to "now", give deterministic deadlines, fees and countdowns.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Backend } from './lib/backend.mjs';
import { DESKTOP, PHONE, launchChromium } from './support.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = path.join(here, 'artifacts');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

// Sunday 22 Nov 2026, 10:00 in the store's zone (Asia/Shanghai).
const NOW = new Date('2026-11-22T10:00:00+08:00');

/** The real server on a free port with a fresh database and its demo orders. */
async function startServer() {
  const backend = await Backend.create();
  const base = await backend.start();
  return { base, stop: () => backend.destroy() };
}

let browser;
let server;

before(async () => {
  server = await startServer();
  await mkdir(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A fresh context (own storage) with the browser language and the clock set. */
async function open(locale, { viewport = PHONE, hash = '', serviceWorkers = 'block' } = {}) {
  // bypassCSP: axe-core is injected as an inline script, which the server's CSP forbids.
  const context = await browser.newContext({ locale, viewport, serviceWorkers, bypassCSP: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.clock.install({ time: NOW });
  await page.goto(server.base + hash);
  await page.locator('#asp-page-title').waitFor();
  return { page, context, errors };
}

/** Runs axe-core on the page; returns the violations as readable lines. */
async function axeViolations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

async function assertAccessible(page, where) {
  assert.deepEqual(await axeViolations(page), [], `axe violations on ${where}`);
}

const title = (page) => page.locator('#asp-page-title').innerText();

/** Start → request → a demo order. */
async function chooseDemo(page, request, order) {
  await page.locator(`a.asp-choice[data-request="${request}"]`).click();
  await page.locator('.asp-demo > summary').click();
  await page.locator(`button.asp-demo-order[data-order="${order}"]`).click();
}

/** Taps the n-th one-tap answer (0-based) of the question page now shown. */
async function answer(page, n) {
  const before = page.url();
  await page.locator('.asp-answer-button').nth(n).click();
  await page.waitForURL((u) => u.toString() !== before);
}

/** Answers every remaining question with the n-th choice until the answer page. */
async function answerAll(page, n) {
  const asked = [];
  while (!page.url().endsWith('/answer')) {
    asked.push(decodeURIComponent(page.url().split('#/')[1]));
    await answer(page, n);
  }
  return asked;
}

async function readDecision(page) {
  const decision = page.locator('.asp-result [aria-live="polite"] .asp-decision');
  await decision.waitFor();
  const facts = {};
  for (const row of await page.locator('.asp-fact').all()) {
    facts[(await row.locator('dt').innerText()).trim()] = (await row.locator('dd').innerText()).trim();
  }
  return {
    clause: await decision.getAttribute('data-clause'),
    outcome: await decision.getAttribute('data-outcome'),
    headline: (await page.locator('.asp-headline').innerText()).trim(),
    why: (await page.locator('.asp-why').innerText()).trim(),
    facts,
    text: await page.locator('.asp-page').innerText(),
  };
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

const WORDS = {
  'zh-CN': {
    lang: 'zh-CN',
    other: 'English',
    start: '您需要什么帮助？',
    cancelFree: '您可以无偿取消此订单。',
    countdown: '无偿取消还剩',
    refund: ['退款', '¥5,999.00'],
    deadline: ['无偿取消截止', '2026年11月24日（星期二）05:00'],
    returnOk: '您可以退货。',
    docs: ['收据或发票', '提货单或收货单'],
    questions: ['商品是否完好', '收据或发票', '提货单或收货单'],
    inspection: '我们会先安排维修人员实地检测',
    warranty: '我们可以为您维修，商品在保修期内。',
    complaint: '我们会受理您的投诉并尽快回应。',
    firstResponse: '首次回应：15分钟内',
    expired: '退货期限（7天）已过',
    switchRepair: '改为申请维修',
  },
  'en-US': {
    lang: 'en',
    other: '中文',
    start: 'What do you need?',
    cancelFree: 'You can cancel this order free of charge.',
    countdown: 'Free cancellation ends in',
    refund: ['Refund', '¥5,999.00'],
    deadline: ['Free cancellation until', 'Tue 24 Nov 2026, 05:00'],
    returnOk: 'You can return this item.',
    docs: ['Receipt or invoice', 'Pickup slip or delivery note'],
    questions: ['Are the goods intact', 'receipt or invoice', 'pickup slip or delivery note'],
    inspection: 'A technician will inspect the item first',
    warranty: 'We can repair this item; it is under warranty.',
    complaint: 'We will take up your complaint and respond quickly.',
    firstResponse: 'First response within 15 minutes',
    expired: 'The 7-day return period has ended',
    switchRepair: 'Ask for: Repair',
  },
};

function assertFact(facts, [label, value]) {
  assert.ok(label in facts, `no "${label}" in ${JSON.stringify(facts)}`);
  assert.ok(facts[label].startsWith(value), `${label}: "${facts[label]}" should start with "${value}"`);
}

for (const [locale, w] of Object.entries(WORDS)) {
  describe(`self-check on a phone in ${locale}`, () => {
    test('cancel: free within the window, with the refund, deadline and a live countdown', async () => {
      const { page, context, errors } = await open(locale);
      try {
        assert.equal(await page.locator('.asp').getAttribute('lang'), w.lang);
        assert.equal(await page.locator('html').getAttribute('lang'), w.lang);
        assert.equal(await title(page), w.start);
        await assertAccessible(page, 'start');
        await shot(page, `phone-${locale}-1-start`);

        await page.locator('a.asp-choice[data-request="cancel"]').click();
        await page.locator('.asp-demo > summary').click();
        await assertAccessible(page, 'order step');
        await shot(page, `phone-${locale}-2-order`);
        await page.locator('button.asp-demo-order[data-order="SO-24001"]').click();

        // One line, no questions for a cancellation: straight to the answer.
        await page.waitForURL(/#\/cancel\/answer$/);
        const d = await readDecision(page);
        assert.equal(d.clause, 'cancel.free');
        assert.equal(d.headline, w.cancelFree);
        assertFact(d.facts, w.refund);
        assertFact(d.facts, w.deadline);
        const countdown = page.locator('.asp-countdown');
        assert.ok((await countdown.innerText()).includes(w.countdown), await countdown.innerText());
        assert.equal(Number(await countdown.getAttribute('data-seconds-left')), 43 * 3600);
        assert.equal(await page.locator('[data-action="file"]').count(), 1);
        await assertAccessible(page, 'answer');
        await shot(page, `phone-${locale}-4-answer-cancel`);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });

    test('return: asks only the questions the answer depends on, then lists the documents', async () => {
      const { page, context, errors } = await open(locale);
      try {
        await chooseDemo(page, 'return', 'SO-24003');
        await page.waitForURL(/#\/return\/reason$/);
        await answer(page, 1); // another reason (not a defect)
        assert.ok((await title(page)).includes(w.questions[0]), await title(page));
        assert.equal(await page.locator('.asp-answer-button').count(), 3, 'yes / no / I don\'t know');
        await assertAccessible(page, 'question');
        await shot(page, `phone-${locale}-3-question`);
        const asked = await answerAll(page, 0);
        assert.deepEqual(asked, [
          'return/ask/goods_intact',
          'return/ask/document:receipt_or_invoice',
          'return/ask/document:pickup_slip_or_delivery_note',
        ]);
        const d = await readDecision(page);
        assert.equal(d.clause, 'return.within_window');
        assert.equal(d.headline, w.returnOk);
        const docs = await page.locator('.asp-docs .asp-check').allInnerTexts();
        assert.deepEqual(docs.map((t) => t.trim()), w.docs);
        await page.locator('.asp-docs input').first().check();
        await assertAccessible(page, 'return answer');
        await shot(page, `phone-${locale}-5-answer-return`);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });

    test('exchange for a defect: inspection first', async () => {
      const { page, context, errors } = await open(locale);
      try {
        await chooseDemo(page, 'exchange', 'SO-24003');
        await answer(page, 0); // a quality defect
        await answerAll(page, 2); // "I don't know" to whatever is still asked
        const d = await readDecision(page);
        assert.equal(d.clause, 'return.quality_inspection');
        assert.ok(d.headline.startsWith(w.inspection), d.headline);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });

    test('repair under warranty, and a complaint with its response times', async () => {
      const { page, context, errors } = await open(locale);
      try {
        await chooseDemo(page, 'repair', 'SO-24008');
        let d = await readDecision(page);
        assert.equal(d.clause, 'repair.warranty');
        assert.equal(d.headline, w.warranty);

        await page.goto(`${server.base}#/`);
        await chooseDemo(page, 'complaint', 'SO-24001');
        await page.waitForURL(/#\/complaint\/about$/);
        await answer(page, 0); // about the service
        d = await readDecision(page);
        assert.equal(d.clause, 'complaint.service');
        assert.equal(d.headline, w.complaint);
        assert.ok(d.text.includes(w.firstResponse), d.text);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });

    test('a refused return offers repair as a one-tap switch', async () => {
      const { page, context, errors } = await open(locale);
      try {
        await chooseDemo(page, 'return', 'SO-24008');
        await answer(page, 1);
        let d = await readDecision(page);
        assert.equal(d.clause, 'return.window_expired');
        assert.equal(d.outcome, 'refused');
        assert.ok(d.why.includes(w.expired), d.why);
        assert.equal(await page.locator('[data-action="file"]').count(), 0);
        const alt = page.locator('[data-alternative="repair"]');
        assert.equal((await alt.innerText()).trim(), w.switchRepair);
        await shot(page, `phone-${locale}-6-refused`);
        await alt.click();
        await page.waitForURL(/#\/repair\/answer$/);
        d = await readDecision(page);
        assert.equal(d.clause, 'repair.warranty');
        // The back button returns to the refused return.
        await page.goBack();
        await page.waitForURL(/#\/return\/answer$/);
        assert.equal((await readDecision(page)).clause, 'return.window_expired');
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  });
}

describe('self-check behaviour', () => {
  test('a countdown that runs out while the page is open changes the answer', async () => {
    const { page, context, errors } = await open('en-US');
    try {
      await chooseDemo(page, 'cancel', 'SO-24001');
      assert.equal((await readDecision(page)).clause, 'cancel.free');
      // 43 hours left; jump to two minutes before the close.
      await page.clock.fastForward('42:58:00');
      await page.waitForFunction(() => Number(document.querySelector('.asp-countdown')?.dataset.secondsLeft) <= 120);
      assert.match(await page.locator('.asp-countdown').innerText(), /Free cancellation ends in [12] min \d\d s/);
      await page.clock.fastForward('02:05');
      await page.locator('.asp-decision[data-clause="cancel.fee"]').waitFor();
      assert.equal(await page.locator('.asp-countdown').count(), 0);
      const d = await readDecision(page);
      assertFact(d.facts, ['Cancellation fee', '¥599.90']);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('order lookup through the backend, with a wrong phone refused', async () => {
    const { page, context, errors } = await open('zh-CN', { hash: '#/return?order=DEMO-1003' });
    try {
      // The deep link opens the order step with the number filled in.
      assert.equal(await page.locator('#asp-order-number').inputValue(), 'DEMO-1003');
      await page.locator('#asp-order-phone').fill('13900000000');
      await page.locator('form.asp-form button[type="submit"]').click();
      await page.locator('.asp-error[data-error="not_found"]').waitFor();
      await page.locator('#asp-order-phone').fill('138 0013 8000');
      await page.locator('form.asp-form button[type="submit"]').click();
      await page.waitForURL((u) => !u.toString().endsWith('DEMO-1003'));
      assert.ok(page.url().includes('#/return/'), page.url());
      await answerAll(page, 1);
      const d = await readDecision(page);
      assert.ok(d.text.includes('DEMO-1003'), d.text);
      assert.ok(d.clause.startsWith('return.'), d.clause);
      assert.deepEqual(errors.filter((e) => !e.includes('404')), []);
    } finally {
      await context.close();
    }
  });

  test('a hand-entered order: errors named per field, then the answer', async () => {
    const { page, context, errors } = await open('en-US', { hash: '#/return/manual' });
    try {
      await page.locator('button[type="submit"]').click();
      await page.locator('.asp-error-summary').waitFor();
      assert.equal(await page.locator('#asp-ordered-at').getAttribute('aria-invalid'), 'true');
      await assertAccessible(page, 'manual form with errors');
      await shot(page, 'phone-en-US-7-manual-errors');

      await page.locator('#asp-ordered-at').fill('2026-11-20T09:30');
      await page.locator('input[name="asp-fulfilment"][value="delivered"]').check();
      await page.locator('#asp-fulfilled-at').fill('2026-11-21T15:00');
      const item = page.locator('.asp-item').first();
      await item.locator('input[id$="-name"]').fill('Three-seat sofa');
      await item.locator('select').selectOption('regular');
      await item.locator('input[id$="-price"]').fill('5,999');
      // A second item, then the request is about the first one only.
      await page.getByRole('button', { name: 'Add another item' }).click();
      const second = page.locator('.asp-item').nth(1);
      await second.locator('input[id$="-name"]').fill('Clearance lamp');
      await second.locator('select').selectOption('clearance');
      await second.locator('input[id$="-price"]').fill('80');
      await page.locator('button[type="submit"]').click();
      await page.waitForURL(/#\/return\/items$/);
      await page.locator('.asp-check', { hasText: 'Clearance lamp' }).locator('input').uncheck();
      await page.locator('button[type="submit"]').click();
      await page.waitForURL(/#\/return\/reason$/);
      await answer(page, 1);
      await answerAll(page, 0);
      const d = await readDecision(page);
      assert.equal(d.clause, 'return.within_window');
      assertFact(d.facts, ['Refund', '¥5,999.00']);
      assertFact(d.facts, ['Return by', 'Sat 28 Nov 2026, 24:00']);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('"I don\'t know" leaves the condition for the store to check', async () => {
    const { page, context, errors } = await open('zh-CN');
    try {
      await chooseDemo(page, 'return', 'SO-24003');
      await answer(page, 1);
      await answer(page, 2); // goods intact? I don't know
      await answerAll(page, 0);
      const d = await readDecision(page);
      assert.equal(d.clause, 'return.within_window');
      assert.ok(d.text.includes('以上结果的前提是'), d.text);
      assert.ok(d.text.includes('商品完好'), d.text);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('the language is switchable, kept after a reload, and deep links survive a reload', async () => {
    const { page, context, errors } = await open('en-US');
    try {
      await chooseDemo(page, 'cancel', 'SO-24002');
      assert.equal((await readDecision(page)).clause, 'cancel.fee');
      await page.locator('.asp-lang').click();
      await page.locator('.asp[lang="zh-CN"]').waitFor();
      assert.equal((await readDecision(page)).headline, '您可以取消此订单，但需支付退单费。');
      await page.reload();
      await page.locator('.asp[lang="zh-CN"]').waitFor();
      assert.equal((await readDecision(page)).clause, 'cancel.fee');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('320 px wide: every step fits without sideways scrolling', async () => {
    const { page, context } = await open('en-US', { viewport: { width: 320, height: 640 } });
    try {
      const fits = async (where) => {
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 320, `${where}: page is ${width}px wide`);
      };
      await fits('start');
      await page.goto(`${server.base}#/return/manual`);
      await page.locator('#asp-ordered-at').waitFor();
      await fits('hand entry');
      await page.goto(`${server.base}#/`);
      await chooseDemo(page, 'return', 'SO-24003');
      await answer(page, 1);
      await fits('question');
      await answerAll(page, 0);
      await readDecision(page);
      await fits('answer');
      await shot(page, 'phone320-en-US-answer');
    } finally {
      await context.close();
    }
  });

  test('desktop screenshots', async () => {
    for (const locale of ['zh-CN', 'en-US']) {
      const { page, context } = await open(locale, { viewport: DESKTOP });
      try {
        await shot(page, `desktop-${locale}-1-start`);
        await chooseDemo(page, 'return', 'SO-24003');
        await answer(page, 1);
        await shot(page, `desktop-${locale}-3-question`);
        await answerAll(page, 0);
        await readDecision(page);
        await shot(page, `desktop-${locale}-4-answer`);
        await assertAccessible(page, `desktop answer ${locale}`);
      } finally {
        await context.close();
      }
    }
  });

  test('after one visit the self-check works with no network', async () => {
    const own = await startServer();
    const context = await browser.newContext({ locale: 'en-US', viewport: PHONE });
    try {
      // The real clock here: fake timers would also hold back the service worker's
      // start-up, and the demo order's free cancellation is open at any time.
      const page = await context.newPage();
      await page.goto(own.base);
      await page.locator('#asp-page-title').waitFor();
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
      await own.stop(); // the origin is gone: connections are refused
      await page.reload();
      await page.locator('#asp-page-title').waitFor();
      await chooseDemo(page, 'cancel', 'SO-24001');
      assert.equal((await readDecision(page)).clause, 'cancel.free');
      // Looking an order up needs the network: the customer is told, not stuck.
      await page.goto(`${own.base}#/return?order=DEMO-1001`);
      await page.locator('#asp-order-phone').fill('13800138000');
      await page.locator('form.asp-form button[type="submit"]').click();
      await page.locator('.asp-error[data-error="offline"]').waitFor();
      await shot(page, 'phone-en-US-8-offline-lookup');
    } finally {
      await context.close();
      await own.stop();
    }
  });
});
