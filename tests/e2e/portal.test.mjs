// Browser tests of the customer self-check, end to end against the real server
// (target/debug/aftersales-server serving dist/ and the API on a fresh SQLite file
// with its demo orders), in Debian's Chromium through playwright-core.
// Run with tests/e2e/run.sh after scripts/build-portal.sh.
//
// The page's clock starts at a fixed instant so that the portal's demo orders,
// placed relative to "now", give deterministic deadlines, fees and countdowns.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible } from './lib/axe.mjs';
import { Backend } from './lib/backend.mjs';
import { DESKTOP, PHONE, newContext, shot, watch } from './lib/browser.mjs';
import {
  answer,
  answerAll,
  chooseDemo,
  chooseDemoOrder,
  chooseRequest,
  choiceButton,
  fileLink,
  gotoRoute,
  heading,
  languageSwitch,
  openDemoOrders,
  openPage,
  portalRoot,
  readDecision,
  title,
} from './lib/portal.mjs';
import { serverAndBrowser } from './lib/suite.mjs';
import { text } from './lib/texts.mjs';

// Sunday 22 Nov 2026, 10:00 in the store's zone (Asia/Shanghai).
const NOW = new Date('2026-11-22T10:00:00+08:00');

const env = serverAndBrowser();

/** A fresh phone context (own storage) with the browser language and the clock set. */
function open(locale, { hash = '', ...options } = {}) {
  return openPage(env.browser, env.server.base + hash, { locale, clock: NOW, ...options });
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
        assert.equal(await portalRoot(page).getAttribute('lang'), w.lang);
        assert.equal(await page.locator('html').getAttribute('lang'), w.lang);
        assert.equal(await title(page), w.start);
        await assertAccessible(page, 'start');
        await shot(page, `phone-${locale}-1-start`);

        await chooseRequest(page, 'cancel');
        await openDemoOrders(page);
        await assertAccessible(page, 'order step');
        await shot(page, `phone-${locale}-2-order`);
        await chooseDemoOrder(page, 'SO-24001');

        // One line, no questions for a cancellation: straight to the answer.
        await page.waitForURL(/#\/cancel\/answer$/);
        const d = await readDecision(page);
        assert.equal(d.clause, 'cancel.free');
        assert.equal(d.headline, w.cancelFree);
        assertFact(d.facts, w.refund);
        assertFact(d.facts, w.deadline);
        const countdown = page.getByText(w.countdown);
        assert.ok((await countdown.innerText()).includes(w.countdown), await countdown.innerText());
        // 43 hours left at the page's start; the clock runs on while the test reads.
        const left = Number(await countdown.getAttribute('data-seconds-left'));
        assert.ok(left <= 43 * 3600 && left > 43 * 3600 - 60, String(left));
        assert.equal(await (await fileLink(page)).count(), 1);
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
        await answer(page, 'other'); // another reason (not a defect)
        assert.ok((await title(page)).includes(w.questions[0]), await title(page));
        for (const choice of ['yes', 'no', 'unknown']) assert.equal(await choiceButton(page, w.lang, choice).count(), 1, choice);
        // The one-tap choices are plain buttons in a plain div (no group role).
        assert.equal(await page.locator('.asp-answers button').count(), 3, 'yes / no / I don\'t know');
        await assertAccessible(page, 'question');
        await shot(page, `phone-${locale}-3-question`);
        const asked = await answerAll(page, 'yes');
        assert.deepEqual(asked, [
          'return/ask/goods_intact',
          'return/ask/document:receipt_or_invoice',
          'return/ask/document:pickup_slip_or_delivery_note',
        ]);
        const d = await readDecision(page);
        assert.equal(d.clause, 'return.within_window');
        assert.equal(d.headline, w.returnOk);
        const checklist = page.getByRole('group', { name: text(w.lang, 'portal.documents') });
        const docs = await checklist.locator('label').allInnerTexts();
        assert.deepEqual(docs.map((t) => t.trim()), w.docs);
        assert.equal(await checklist.getByRole('checkbox').count(), w.docs.length);
        await checklist.getByRole('checkbox', { name: w.docs[0] }).check();
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
        await answer(page, 'quality'); // a quality defect
        await answerAll(page, 'unknown'); // "I don't know" to whatever is still asked
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

        await gotoRoute(page, `${env.server.base}#/`);
        await chooseDemo(page, 'complaint', 'SO-24001');
        await page.waitForURL(/#\/complaint\/about$/);
        await answer(page, 'service'); // about the service
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
        await answer(page, 'other');
        let d = await readDecision(page);
        assert.equal(d.clause, 'return.window_expired');
        assert.equal(d.outcome, 'refused');
        assert.ok(d.why.includes(w.expired), d.why);
        assert.equal(await (await fileLink(page)).count(), 0);
        const alt = page.getByRole('button', { name: w.switchRepair });
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
  test('a store in a zone outside the built-in ones: the zone table is fetched as data and deadlines are in that zone', async () => {
    const context = await newContext(env.browser, { locale: 'en-US' });
    const page = await context.newPage();
    try {
      const errors = watch(page);
      await page.clock.install({ time: NOW });
      const zoneRequests = [];
      page.on('request', (r) => r.url().endsWith('/zones.json') && zoneRequests.push(r.url()));
      await page.route(/\/policy\.json$/, async (route) => {
        const response = await route.fetch();
        const policy = await response.json();
        policy.time_zone = 'Europe/Berlin';
        await route.fulfill({ response, json: policy });
      });
      await gotoRoute(page, env.server.base);
      await chooseDemo(page, 'cancel', 'SO-24001');
      const d = await readDecision(page);
      assert.equal(d.clause, 'cancel.free');
      // Tue 24 Nov, 05:00 in Shanghai is Mon 23 Nov, 22:00 in Berlin.
      assertFact(d.facts, ['Free cancellation until', 'Mon 23 Nov 2026, 22:00']);
      assert.equal(zoneRequests.length, 1, 'zones.json is fetched once');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test("the store's own zone needs no zone table", async () => {
    const context = await newContext(env.browser, { locale: 'en-US' });
    const page = await context.newPage();
    try {
      const zoneRequests = [];
      page.on('request', (r) => r.url().endsWith('/zones.json') && zoneRequests.push(r.url()));
      await gotoRoute(page, env.server.base + '#/cancel');
      await openDemoOrders(page);
      assert.deepEqual(zoneRequests, []);
    } finally {
      await context.close();
    }
  });

  test('a countdown that runs out while the page is open changes the answer', async () => {
    const { page, context, errors } = await open('en-US');
    try {
      await chooseDemo(page, 'cancel', 'SO-24001');
      assert.equal((await readDecision(page)).clause, 'cancel.free');
      // 43 hours left; jump to two minutes before the close.
      await page.clock.fastForward('42:58:00');
      await page.waitForFunction(() => Number(document.querySelector('[data-seconds-left]')?.dataset.secondsLeft) <= 120);
      const countdown = page.getByText('Free cancellation ends in');
      assert.match(await countdown.innerText(), /Free cancellation ends in [12] min \d\d s/);
      await page.clock.fastForward('02:05');
      await page.getByText('You can cancel this order, but a cancellation fee applies.').waitFor();
      assert.equal((await readDecision(page)).clause, 'cancel.fee');
      assert.equal(await countdown.count(), 0);
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
      assert.equal(await page.getByLabel('订单号', { exact: true }).inputValue(), 'DEMO-1003');
      const phone = page.getByLabel('下单时留的手机号', { exact: true });
      await phone.fill('13900000000');
      await page.getByRole('button', { name: '查找订单' }).click();
      await page.getByText(text('zh-CN', 'portal.lookup_not_found')).waitFor();
      await phone.fill('138 0013 8000');
      await page.getByRole('button', { name: '查找订单' }).click();
      await page.waitForURL((u) => !u.toString().endsWith('DEMO-1003'));
      assert.ok(page.url().includes('#/return/'), page.url());
      await answerAll(page, 'no', { reason: 'other' });
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
      const next = page.getByRole('button', { name: 'Continue', exact: true });
      await next.click();
      await page.getByRole('alert').filter({ hasText: 'Please correct the fields marked below.' }).waitFor();
      const orderedAt = page.getByLabel('Ordered on', { exact: true });
      assert.equal(await orderedAt.getAttribute('aria-invalid'), 'true');
      await assertAccessible(page, 'manual form with errors');
      await shot(page, 'phone-en-US-7-manual-errors');

      await orderedAt.fill('2026-11-20T09:30');
      await page.getByRole('radio', { name: 'Delivered to me' }).check();
      await page.getByLabel('Delivered on', { exact: true }).fill('2026-11-21T15:00');
      const item = page.getByRole('group', { name: 'Item 1', exact: true });
      await item.getByLabel('Item name').fill('Three-seat sofa');
      await item.getByLabel('Type of item').selectOption('regular');
      await item.getByLabel(/^Unit price/).fill('5,999');
      // A second item, then the request is about the first one only.
      await page.getByRole('button', { name: 'Add another item' }).click();
      const second = page.getByRole('group', { name: 'Item 2', exact: true });
      await second.getByLabel('Item name').fill('Clearance lamp');
      await second.getByLabel('Type of item').selectOption('clearance');
      await second.getByLabel(/^Unit price/).fill('80');
      await next.click();
      await page.waitForURL(/#\/return\/items$/);
      await page.getByRole('checkbox', { name: 'Clearance lamp' }).uncheck();
      await next.click();
      await page.waitForURL(/#\/return\/reason$/);
      await answer(page, 'other');
      await answerAll(page, 'yes');
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
      await answer(page, 'other');
      await answer(page, 'unknown'); // goods intact? I don't know
      await answerAll(page, 'yes');
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
      await (await languageSwitch(page)).click();
      await page.getByRole('heading', { level: 2, name: /查询结果$/ }).waitFor();
      assert.equal(await portalRoot(page).getAttribute('lang'), 'zh-CN');
      assert.equal((await readDecision(page)).headline, '您可以取消此订单，但需支付退单费。');
      await page.reload();
      await page.getByRole('heading', { level: 2, name: /查询结果$/ }).waitFor();
      assert.equal(await portalRoot(page).getAttribute('lang'), 'zh-CN');
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
      await gotoRoute(page, `${env.server.base}#/return/manual`);
      await page.getByLabel('Ordered on', { exact: true }).waitFor();
      await fits('hand entry');
      await gotoRoute(page, `${env.server.base}#/`);
      await chooseDemo(page, 'return', 'SO-24003');
      await answer(page, 'other');
      await fits('question');
      await answerAll(page, 'yes');
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
        await answer(page, 'other');
        await shot(page, `desktop-${locale}-3-question`);
        await answerAll(page, 'yes');
        await readDecision(page);
        await shot(page, `desktop-${locale}-4-answer`);
        await assertAccessible(page, `desktop answer ${locale}`);
      } finally {
        await context.close();
      }
    }
  });

  test('after one visit the self-check works with no network', async () => {
    const own = await Backend.started();
    const context = await newContext(env.browser, { locale: 'en-US', viewport: PHONE, serviceWorkers: 'allow' });
    try {
      // The real clock here: fake timers would also hold back the service worker's
      // start-up, and the demo order's free cancellation is open at any time.
      const page = await context.newPage();
      await gotoRoute(page, own.base);
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
      await own.stop(); // the origin is gone: connections are refused
      await page.reload();
      await heading(page).waitFor();
      await chooseDemo(page, 'cancel', 'SO-24001');
      assert.equal((await readDecision(page)).clause, 'cancel.free');
      // Looking an order up needs the network: the customer is told, not stuck.
      await page.goto(`${own.base}#/return?order=DEMO-1001`);
      await page.getByLabel('Phone number given with the order', { exact: true }).fill('13800138000');
      await page.getByRole('button', { name: 'Find my order' }).click();
      await page.getByText(text('en', 'portal.lookup_offline')).waitFor();
      await shot(page, 'phone-en-US-8-offline-lookup');
    } finally {
      await context.close();
      await own.destroy();
    }
  });
});
