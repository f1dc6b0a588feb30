#!/usr/bin/env node
// Outbox soak: N requests (default 500) filed through the requests app's form and
// outbox while a TCP proxy between the browser and the real server cuts every
// connection at random moments (resets, closes, and outages of up to 2 s, during
// which new connections are refused). Then the network heals and the outbox drains.
// Prints how many requests were lost and how many duplicated: both must be 0.
//
//   node tests/e2e/soak.mjs [N]          after scripts/build-portal.sh
//
// Env: SOAK_REQUESTS (N), SOAK_SEED (the chaos schedule's seed), AFTERSALES_SERVER
// and PORTAL_DIST (lib/backend.mjs), CHROMIUM (lib/browser.mjs). Exit status 1 if
// anything was lost or duplicated, or the outbox did not drain within
// SOAK_DRAIN_SECONDS (600).

import net from 'node:net';
import { Backend } from './lib/backend.mjs';
import { DESKTOP, launch, newContext, watch } from './lib/browser.mjs';
import { contactField, fillContact, goToForm, myRequestsLoaded, reconcile, requestItems, submit } from './lib/requests.mjs';

const TOTAL = Number(process.argv[2] ?? process.env.SOAK_REQUESTS ?? 500);
const DRAIN_MS = Number(process.env.SOAK_DRAIN_SECONDS ?? 600) * 1000;
let seed = Number(process.env.SOAK_SEED ?? Date.now() % 100_000);
const SEED = seed;

/** mulberry32: a reproducible chaos schedule for a given SOAK_SEED. */
function random() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const between = (a, b) => a + random() * (b - a);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A TCP proxy to `port` that can cut every open connection, or refuse new ones. */
function chaosProxy(port) {
  const open = new Set();
  const stats = { connections: 0, cuts: 0, severed: 0, refused: 0, outages: 0 };
  let down = false;
  const server = net.createServer((client) => {
    stats.connections += 1;
    if (down) {
      stats.refused += 1;
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(port, '127.0.0.1');
    const pair = { client, upstream };
    open.add(pair);
    const close = () => {
      open.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  return {
    stats,
    listen: () => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port))),
    /** Cuts every open connection: half of the cuts with a TCP reset, half with a close. */
    cut() {
      stats.cuts += 1;
      for (const { client, upstream } of open) {
        stats.severed += 1;
        if (random() < 0.5) client.resetAndDestroy();
        else client.destroy();
        upstream.destroy();
      }
      open.clear();
    },
    setDown(value) {
      if (value && !down) stats.outages += 1;
      down = value;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

async function main() {
  const backend = await Backend.started();
  const proxy = chaosProxy(backend.port);
  const proxyPort = await proxy.listen();
  const base = `http://127.0.0.1:${proxyPort}/`;
  const browser = await launch();
  const context = await newContext(browser, { locale: 'en-US', viewport: DESKTOP });
  const page = await context.newPage();
  const errors = watch(page, { console: false });
  const ids = [];
  let chaos = true;
  let result;
  try {
    // The self-check once (through the proxy, before the chaos): its draft is what
    // every filing below is made from.
    await goToForm(page, base, 'cancel');

    // Cut connections at random moments while the requests are filed and sent.
    const chaosLoop = (async () => {
      while (chaos) {
        await sleep(between(20, 400));
        if (!chaos) break;
        if (random() < 0.12) {
          proxy.setDown(true);
          proxy.cut();
          await sleep(between(100, 2000));
          proxy.setDown(false);
        } else {
          proxy.cut();
        }
      }
    })();

    const started = Date.now();
    for (let n = 1; n <= TOTAL; n++) {
      await page.evaluate(() => (location.hash = '#/file/cancel'));
      await (await contactField(page, 'name')).waitFor();
      await fillContact(page, { name: `Soak ${n}`, phone: '13800138000' });
      ids.push(await submit(page, { timeout: 30_000 }));
      if (n % 50 === 0) {
        const stored = backend.count();
        console.log(`soak: ${n}/${TOTAL} filed on the device, ${stored} at the server (${((Date.now() - started) / 1000).toFixed(0)} s)`);
      }
    }
    // Keep cutting a while after the last filing, then heal the network.
    await sleep(5_000);
    chaos = false;
    await chaosLoop;
    proxy.setDown(false);
    console.log(`soak: network healed after ${((Date.now() - started) / 1000).toFixed(0)} s; draining the outbox`);

    // The browser's "online" event (as when a phone's connection comes back) makes
    // the outbox retry at once what failed for lack of network.
    const drainStarted = Date.now();
    let pending = '?';
    while (Date.now() - drainStarted < DRAIN_MS) {
      pending = await page.evaluate(() => {
        window.dispatchEvent(new Event('online'));
        return localStorage.getItem('aftersales:outbox-pending');
      });
      if (pending === null) break;
      await sleep(2_000);
    }
    const drained = pending === null;

    // What the device believes: every request confirmed ("My requests").
    await page.evaluate(() => (location.hash = '#/'));
    await myRequestsLoaded(page);
    const mine = await requestItems(page).count();
    const sent = await requestItems(page).and(page.locator('[data-sync="sent"]')).count();

    // What the server holds.
    const rows = backend.query('SELECT id FROM requests').map((r) => r.id);
    const tally = reconcile(ids, rows);
    const lost = tally.lost.length;
    const duplicated = tally.duplicated.length + tally.unexpected.length;
    result = { drained, lost, duplicated, mine, sent, rows: rows.length };
    const s = proxy.stats;
    console.log(
      `soak: seed ${SEED}; ${ids.length} requests filed through the outbox; proxy: ${s.connections} connections, ` +
        `${s.cuts} cuts severing ${s.severed} open connections, ${s.outages} outages refusing ${s.refused} connections`,
    );
    console.log(
      `soak: server answered filings ${JSON.stringify(backend.statuses)} (201 stored, 200 the same request again after a lost answer; a filing whose connection was cut before its answer is not logged)`,
    );
    console.log(`soak: device: ${mine} in My requests, ${sent} confirmed; outbox ${drained ? 'drained' : `NOT drained (${pending} left)`}`);
    console.log(`soak: server rows ${rows.length}; lost ${lost}, duplicated ${duplicated}`);
    if (errors.length) console.log(`soak: page errors: ${errors.join('; ')}`);
  } finally {
    chaos = false;
    await browser.close();
    await proxy.close();
    await backend.destroy();
  }
  const ok = result && result.drained && result.lost === 0 && result.duplicated === 0 && result.rows === TOTAL && result.sent === TOTAL && errors.length === 0;
  console.log(ok ? `soak: OK (${TOTAL} of ${TOTAL}, 0 lost, 0 duplicated)` : 'soak: FAILED');
  process.exit(ok ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
