// Browser tests of the built portal (dist/), with Debian's Chromium through
// playwright-core. Run with tests/e2e/run.sh after scripts/build-portal.sh.
//
// The page's clock is fixed (page.clock) so that the demo orders, which are placed
// relative to "now", give deterministic deadlines and fees.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const DIST = path.resolve(process.env.PORTAL_DIST ?? path.join(here, '../../dist'));
const ARTIFACTS = path.join(here, 'artifacts');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

// Sunday 22 Nov 2026, 10:00 in the store's zone (Asia/Shanghai).
const NOW = new Date('2026-11-22T10:00:00+08:00');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

/** A static server for dist/, on 127.0.0.1 and a free port. */
async function serveDist() {
  await stat(path.join(DIST, 'index.html')).catch(() => {
    throw new Error(`no built portal in ${DIST}: run scripts/build-portal.sh first`);
  });
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const rel = decodeURIComponent(url.pathname).replace(/^\/+/, '') || 'index.html';
    const file = path.resolve(DIST, rel);
    if (!file.startsWith(DIST + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${server.address().port}/` };
}

let browser;
let server;
let base;

before(async () => {
  ({ server, base } = await serveDist());
  await mkdir(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

/** A fresh page (own storage) with the browser language and the clock fixed. */
async function openPortal(locale, viewport = PHONE) {
  const context = await browser.newContext({ locale, viewport });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.clock.setFixedTime(NOW);
  await page.goto(base);
  await page.locator('.asp-orders input').first().waitFor();
  return { page, context, errors };
}

/** Picks a demo order and a request, presses the check button, reads the result. */
async function runCheck(page, order, request, reason) {
  // Clear any previous result so that waiting below sees the new one.
  await page.locator(`input[name="asp-order"][value="${order}"]`).check();
  await page.locator('input[name="asp-order"]:not(:checked)').first().check();
  await page.locator(`input[name="asp-order"][value="${order}"]`).check();
  await page.locator(`input[name="asp-request"][value="${request}"]`).check();
  if (reason) await page.locator(`input[name="asp-reason"][value="${reason}"]`).check();
  await page.locator('.asp-submit').click();
  const result = page.locator('.asp-result');
  // The decision is announced: it is rendered inside the polite live region.
  await result.locator('[aria-live="polite"] .asp-decision').waitFor();
  const facts = {};
  for (const row of await result.locator('.asp-fact').all()) {
    facts[(await row.locator('dt').innerText()).trim()] = (await row.locator('dd').innerText()).trim();
  }
  return {
    clause: await result.locator('.asp-decision').getAttribute('data-clause'),
    headline: (await result.locator('.asp-headline').innerText()).trim(),
    why: (await result.locator('.asp-why').innerText()).trim(),
    facts,
    text: await result.innerText(),
  };
}

/** Runs axe-core on the page; returns violations as readable lines. */
async function axeViolations(page) {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  return violations;
}

const CASES = {
  'zh-CN': {
    lang: 'zh-CN',
    button: 'English',
    free: {
      headline: '您可以无偿取消此订单。',
      why: '所有非顾客定制的产品订单，可以在下单48小时内无偿取消。',
      fee: ['退单费', '无'],
      refund: ['退款', '¥5,999.00'],
      deadline: ['无偿取消截止', '2026年11月24日（星期二）05:00'],
      left: '还剩1天19小时',
      zone: '门店时间（Asia/Shanghai，UTC+8）',
    },
    fee: {
      headline: '您可以取消此订单，但需支付退单费。',
      why: '下单48小时后取消订单需支付不少于销售价格10%的退单费。',
      fee: ['退单费', '¥249.90'],
      refund: ['退款', '¥2,249.10'],
    },
    custom: { headline: '此订单不能取消。', why: '特殊订单不可取消' },
    ret: {
      headline: '您可以退货。',
      why: '如果商品完好，可凭所有原始票据在7日之内予以退货',
      refund: ['退款', '¥1,299.00'],
      deadline: ['退货截止', '2026年11月26日（星期四）24:00'],
      docs: ['收据或发票', '提货单或收货单'],
    },
  },
  'en-US': {
    lang: 'en',
    button: '中文',
    free: {
      headline: 'You can cancel this order free of charge.',
      why: 'Any order that is not custom-made can be cancelled free of charge within 48 hours of ordering.',
      fee: ['Cancellation fee', 'None'],
      refund: ['Refund', '¥5,999.00'],
      deadline: ['Free cancellation until', 'Tue 24 Nov 2026, 05:00'],
      left: '1 day 19 hours left',
      zone: 'Store time (Asia/Shanghai, UTC+8)',
    },
    fee: {
      headline: 'You can cancel this order, but a cancellation fee applies.',
      why: 'at least 10% of the sale price',
      fee: ['Cancellation fee', '¥249.90'],
      refund: ['Refund', '¥2,249.10'],
    },
    custom: { headline: 'This order cannot be cancelled.', why: 'Custom orders cannot be cancelled' },
    ret: {
      headline: 'You can return this item.',
      why: 'within 7 days',
      refund: ['Refund', '¥1,299.00'],
      deadline: ['Return by', 'Thu 26 Nov 2026, 24:00'],
      docs: ['Receipt or invoice', 'Pickup slip or delivery note'],
    },
  },
};

function assertFact(facts, [label, value]) {
  assert.ok(label in facts, `no "${label}" in ${JSON.stringify(facts)}`);
  assert.ok(facts[label].startsWith(value), `${label}: "${facts[label]}" should start with "${value}"`);
}

for (const [locale, want] of Object.entries(CASES)) {
  describe(`portal in ${locale}`, () => {
    test('shows decisions for a free cancel, a fee cancel, a custom order and a return', async () => {
      const { page, context, errors } = await openPortal(locale);
      try {
        assert.equal(await page.locator('.asp').getAttribute('lang'), want.lang);
        assert.equal(await page.locator('html').getAttribute('lang'), want.lang);

        const free = await runCheck(page, 'SO-24001', 'cancel');
        assert.equal(free.clause, 'cancel.free');
        assert.equal(free.headline, want.free.headline);
        assert.ok(free.why.includes(want.free.why), free.why);
        assertFact(free.facts, want.free.fee);
        assertFact(free.facts, want.free.refund);
        assertFact(free.facts, want.free.deadline);
        assert.ok(free.facts[want.free.deadline[0]].includes(want.free.zone), free.facts[want.free.deadline[0]]);
        assert.ok(free.facts[want.free.deadline[0]].includes(want.free.left));
        await page.screenshot({ path: path.join(ARTIFACTS, `phone-${locale}-cancel-free.png`), fullPage: true });
        await page.locator('.asp-result').screenshot({ path: path.join(ARTIFACTS, `phone-${locale}-cancel-free-result.png`) });

        const fee = await runCheck(page, 'SO-24002', 'cancel');
        assert.equal(fee.clause, 'cancel.fee');
        assert.equal(fee.headline, want.fee.headline);
        assert.ok(fee.why.includes(want.fee.why), fee.why);
        assertFact(fee.facts, want.fee.fee);
        assertFact(fee.facts, want.fee.refund);

        const custom = await runCheck(page, 'SO-24004', 'cancel');
        assert.equal(custom.clause, 'cancel.custom_order');
        assert.equal(custom.headline, want.custom.headline);
        assert.ok(custom.why.includes(want.custom.why), custom.why);
        assert.deepEqual(custom.facts, {});

        const ret = await runCheck(page, 'SO-24003', 'return', 'changed_mind');
        assert.equal(ret.clause, 'return.within_window');
        assert.equal(ret.headline, want.ret.headline);
        assert.ok(ret.why.includes(want.ret.why), ret.why);
        assertFact(ret.facts, want.ret.refund);
        assertFact(ret.facts, want.ret.deadline);
        for (const doc of want.ret.docs) assert.ok(ret.text.includes(doc), `documents: ${doc}`);
        await page.screenshot({ path: path.join(ARTIFACTS, `phone-${locale}-return.png`), fullPage: true });

        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });

    test('has no axe violations, and looks right on a desktop', async () => {
      const { page, context } = await openPortal(locale, DESKTOP);
      try {
        await runCheck(page, 'SO-24003', 'return', 'changed_mind');
        await page.screenshot({ path: path.join(ARTIFACTS, `desktop-${locale}-return.png`), fullPage: true });
        const violations = await axeViolations(page);
        assert.deepEqual(violations, []);
      } finally {
        await context.close();
      }
    });
  });
}

describe('other requests', () => {
  test('a refused cancel offers the return instead, and the return is checked', async () => {
    const { page, context, errors } = await openPortal('en-US');
    try {
      const refused = await runCheck(page, 'SO-24003', 'cancel');
      assert.equal(refused.clause, 'cancel.already_fulfilled');
      assert.equal(refused.headline, 'This order cannot be cancelled.');
      await page.screenshot({ path: path.join(ARTIFACTS, 'phone-en-US-refused.png'), fullPage: true });
      await page.locator('.asp-alternatives button', { hasText: 'Return' }).click();
      await page.locator('.asp-decision[data-clause="return.within_window"]').waitFor();
      assert.ok(await page.locator('input[name="asp-request"][value="return"]').isChecked());
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('complaints, repairs and self-pickup returns', async () => {
    const { page, context } = await openPortal('zh-CN');
    try {
      await page.locator('input[name="asp-request"][value="complaint"]').check();
      await page.locator('input[name="asp-about"][value="service"]').check();
      const complaint = await runCheck(page, 'SO-24001', 'complaint');
      assert.equal(complaint.clause, 'complaint.service');
      assert.ok(complaint.text.includes('首次回应：15分钟内'), complaint.text);
      assert.ok(complaint.text.includes('核实问题：30分钟内'), complaint.text);

      const clearance = await runCheck(page, 'SO-24005', 'repair');
      assert.equal(clearance.clause, 'repair.chargeable');
      assertFact(clearance.facts, ['维修费用', '根据公司收费标准收取相应费用']);

      const pickup = await runCheck(page, 'SO-24006', 'return', 'changed_mind');
      assert.equal(pickup.clause, 'return.self_pickup');
      assert.ok(pickup.why.includes('买方自取型产品在购货之日起7天内'), pickup.why);
      assertFact(pickup.facts, ['退款', '¥900.00']);
      assert.ok(pickup.text.includes('商品的原包装尚未打开'), pickup.text);
      await page.locator('.asp-result').screenshot({ path: path.join(ARTIFACTS, 'phone-zh-CN-self-pickup-result.png') });

      const quality = await runCheck(page, 'SO-24007', 'return', 'quality_defect');
      assert.equal(quality.clause, 'return.quality_excluded');
    } finally {
      await context.close();
    }
  });

  test('fits a 320px screen without horizontal scrolling', async () => {
    for (const locale of ['zh-CN', 'en-US']) {
      const { page, context } = await openPortal(locale, { width: 320, height: 640 });
      try {
        await runCheck(page, 'SO-24001', 'cancel');
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 320, `${locale}: page is ${width}px wide`);
      } finally {
        await context.close();
      }
    }
  });
});

describe('language and policy handling', () => {
  test('the language switch changes every text and is remembered under aftersales:', async () => {
    const { page, context } = await openPortal('zh-CN');
    try {
      await runCheck(page, 'SO-24001', 'cancel');
      await page.locator('.asp-lang').click();
      assert.equal(await page.locator('.asp').getAttribute('lang'), 'en');
      assert.equal(
        (await page.locator('.asp-headline').innerText()).trim(),
        'You can cancel this order free of charge.',
      );
      const keys = await page.evaluate(() => Object.keys(localStorage));
      assert.deepEqual(keys, ['aftersales:lang']);
      assert.equal(await page.evaluate(() => localStorage.getItem('aftersales:lang')), 'en');
      await page.reload();
      await page.locator('.asp-orders input').first().waitFor();
      assert.equal(await page.locator('.asp').getAttribute('lang'), 'en');
      assert.equal((await page.locator('.asp-lang [lang]').innerText()).trim(), '中文');
    } finally {
      await context.close();
    }
  });

  test('an invalid policy file is reported with its fields, in the customer language', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: PHONE });
    const page = await context.newPage();
    try {
      const policy = JSON.parse(await readFile(path.join(DIST, 'policy.json'), 'utf8'));
      policy.kinds.custom.cancel = 'maybe';
      await page.route('**/policy.json', (route) =>
        route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(policy) }),
      );
      await page.goto(base);
      const alert = page.locator('.asp-alert');
      await alert.waitFor();
      const text = await alert.innerText();
      assert.ok(text.includes('售后政策文件有误'), text);
      assert.ok(text.includes('kinds.custom.cancel: unknown value "maybe"'), text);
    } finally {
      await context.close();
    }
  });

  test('a missing policy file is reported', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: PHONE });
    const page = await context.newPage();
    try {
      await page.route('**/policy.json', (route) => route.fulfill({ status: 404, body: 'nope' }));
      await page.goto(base);
      const alert = page.locator('.asp-alert');
      await alert.waitFor();
      const text = await alert.innerText();
      assert.ok(text.includes('could not be loaded'), text);
      assert.ok(text.includes('404'), text);
    } finally {
      await context.close();
    }
  });
});
