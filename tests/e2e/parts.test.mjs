// The apps' parts fetched on demand (src/ui/part.rs, scripts/split-wasm.mjs): the
// self-check's start page works from the first load alone, its steps come after
// it; a link into a step fetches them with the first load; a part that cannot be
// fetched says so, in the customer's language, and "try again" brings it; the
// requests app fetches the page it opens on, then the others.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DESKTOP, PHONE, newContext, shot, watch } from './lib/browser.mjs';
import { chooseRequest, heading } from './lib/portal.mjs';
import { serverAndBrowser } from './lib/suite.mjs';
import { text } from './lib/texts.mjs';

const env = serverAndBrowser();

const STEPS = /aftersales-portal-[0-9a-f]{16}-steps\.wasm$/;
const REQUEST_PARTS = /aftersales-requests-[0-9a-f]{16}-[a-z0-9_]+\.wasm$/;

/** A fresh page that records the URLs it requests, in order. */
async function recordingPage(locale = 'en-US') {
  const context = await newContext(env.browser, { locale, viewport: PHONE });
  const page = await context.newPage();
  const errors = watch(page, { network: false });
  const requested = [];
  page.on('request', (r) => requested.push(r.url()));
  return { context, page, errors, requested };
}

/** When the app said it was ready (`aftersales:ready`), and when `url` was fetched. */
const timings = (page, url) =>
  page.evaluate((pattern) => {
    const ready = performance.getEntriesByName('aftersales:ready')[0]?.startTime;
    const part = performance.getEntriesByType('resource').find((e) => new RegExp(pattern).test(e.name));
    return { ready, fetchStart: part?.fetchStart };
  }, url.source);

describe('parts of the WASM fetched on demand', () => {
  test('the start page is ready before the steps are fetched; then a step needs no wait', async () => {
    const { context, page, errors, requested } = await recordingPage();
    try {
      await page.goto(env.server.base);
      await heading(page).waitFor();
      await page.waitForFunction(() => performance.getEntriesByName('aftersales:ready').length === 1);
      await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => /-steps\.wasm$/.test(e.name)));
      const { ready, fetchStart } = await timings(page, STEPS);
      assert.ok(fetchStart >= ready, `steps fetched at ${fetchStart} ms, after the start page was ready at ${ready} ms`);
      assert.equal(requested.filter((u) => STEPS.test(u)).length, 1);
      // index.html preloads the policy and the store file; the app's fetches use them.
      for (const file of ['/policy.json', '/store.json']) {
        assert.equal(requested.filter((u) => u.endsWith(file)).length, 1, `${file} fetched once`);
      }
      await chooseRequest(page, 'return');
      await page.locator('#asp-order-number').waitFor();
      assert.equal(requested.filter((u) => STEPS.test(u)).length, 1, 'fetched once');
      assert.equal(requested.filter((u) => REQUEST_PARTS.test(u)).length, 0, 'nothing of the requests app');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('a link into a step fetches the steps with the first load', async () => {
    const { context, page, errors, requested } = await recordingPage();
    try {
      await page.goto(`${env.server.base}#/return?order=SO-24003`);
      await page.locator('#asp-order-number').waitFor();
      const [steps, main] = await page.evaluate(() =>
        [/-steps\.wasm$/, /_bg\.wasm$/].map((re) => performance.getEntriesByType('resource').find((e) => re.test(e.name))),
      );
      assert.ok(steps && main, JSON.stringify(requested));
      assert.ok(steps.fetchStart < main.responseEnd, 'the steps were asked for by the page itself, before the app started');
      assert.equal(await page.locator('link[rel="preload"][href$="-steps.wasm"]').count(), 1);
      assert.equal(requested.filter((u) => STEPS.test(u)).length, 1, 'and not fetched twice');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  for (const locale of ['zh-CN', 'en-US']) {
    test(`${locale}: steps that cannot be fetched are explained, and "try again" brings them`, async () => {
      const { context, page } = await recordingPage(locale);
      try {
        let offline = true;
        await page.route(STEPS, (route) => (offline ? route.abort('internetdisconnected') : route.continue()));
        await page.goto(env.server.base);
        await heading(page).waitFor();
        await chooseRequest(page, 'exchange');
        const alert = page.getByRole('alert');
        await alert.waitFor();
        assert.equal(await alert.locator('p').innerText(), text(locale, 'portal.part_failed'));
        await shot(page, `part-failed-phone-${locale}`);
        await page.setViewportSize(DESKTOP);
        await shot(page, `part-failed-desktop-${locale}`);
        offline = false;
        await alert.getByRole('button', { name: text(locale, 'portal.part_retry') }).click();
        await page.locator('#asp-order-number').waitFor();
        assert.equal(await page.getByRole('alert').count(), 0);
      } finally {
        await context.close();
      }
    });
  }

  test('the requests app fetches the page it opens on first, then the others', async () => {
    const { context, page, errors, requested } = await recordingPage();
    try {
      await page.goto(`${env.server.base}requests.html#/r/0b9c6a5e-2f0e-4f6b-9a51-1f6f4a3e2c11?code=K7P-2XQ`);
      await heading(page).waitFor();
      const parts = () => requested.filter((u) => REQUEST_PARTS.test(u)).map((u) => u.replace(/.*-/, ''));
      assert.equal(parts()[0], 'track.wasm', JSON.stringify(parts()));
      await page.waitForFunction(
        () => performance.getEntriesByType('resource').filter((e) => /-(mine|file|entry|track)\.wasm$/.test(e.name)).length === 4,
      );
      assert.deepEqual(parts().filter((p) => !p.startsWith('chunk_')).sort(), ['entry.wasm', 'file.wasm', 'mine.wasm', 'track.wasm']);
      assert.deepEqual(errors.filter((e) => !/404|Not Found/.test(e)), []);
    } finally {
      await context.close();
    }
  });
});
