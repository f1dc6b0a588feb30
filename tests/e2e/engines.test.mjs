// The customer's flows in the three browser engines customers use: Chromium
// (puppeteer-core over CDP), Firefox (Debian's firefox-esr, puppeteer-core over
// WebDriver BiDi) and WebKit, Safari's engine (Debian's WebKitWebDriver driving
// WebKitGTK's MiniBrowser under xvfb-run, WebDriver classic). One flow, written
// against a small driver that each engine implements: the self-check with an
// order look-up, filing, a filing while the server is down kept in the outbox and
// sent when it is back, and tracking. An engine that is not installed is skipped
// with a note (scripts/setup-tools.sh installs them).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Backend } from './lib/backend.mjs';
import { CHROMIUM_ARGS } from './lib/browser.mjs';
import { freePort } from './lib/host.mjs';
import { text } from './lib/texts.mjs';

const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER ?? '/usr/bin/WebKitWebDriver';

const env = {};

before(async () => {
  env.server = await Backend.started();
});

after(async () => {
  await env.server?.destroy();
});

// ---- Drivers: goto, url, click, fill, evaluate; everything else is built on them.

/** puppeteer-core's page (Chromium over CDP, Firefox over WebDriver BiDi). */
async function puppeteerDriver(options) {
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({ headless: true, ...options });
  const page = await browser.newPage();
  await page.setViewport({ width: 390, height: 844 });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  return {
    errors,
    goto: (url) => page.goto(url),
    url: () => page.url(),
    click: (selector) => page.click(selector),
    async fill(selector, value) {
      await page.$eval(selector, (e) => {
        e.value = '';
      });
      await page.type(selector, value);
    },
    evaluate: (script, ...args) => page.evaluate(new Function('...args', script), ...args),
    close: () => browser.close(),
  };
}

/** A WebDriver classic session over HTTP (WebKitWebDriver). */
async function webdriverDriver(base, capabilities) {
  const call = async (method, path, body) => {
    const r = await fetch(base + path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await r.json();
    if (!r.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.value)}`);
    return json.value;
  };
  const { sessionId } = await call('POST', '/session', { capabilities });
  const s = `/session/${sessionId}`;
  const element = async (selector) => {
    const found = await call('POST', `${s}/element`, { using: 'css selector', value: selector });
    return Object.values(found)[0];
  };
  return {
    errors: [],
    goto: (url) => call('POST', `${s}/url`, { url }),
    url: () => call('GET', `${s}/url`),
    click: async (selector) => call('POST', `${s}/element/${await element(selector)}/click`, {}),
    async fill(selector, value) {
      const id = await element(selector);
      await call('POST', `${s}/element/${id}/clear`, {});
      await call('POST', `${s}/element/${id}/value`, { text: value });
    },
    evaluate: (script, ...args) => call('POST', `${s}/execute/sync`, { script, args }),
    close: () => call('DELETE', s),
  };
}

// ---- The flow, on any driver.

/** Polls `script` in the page until it returns something truthy. */
async function until(d, what, script, ...args) {
  let last;
  for (let i = 0; i < 300; i++) {
    try {
      last = await d.evaluate(script, ...args);
      if (last) return last;
    } catch (e) {
      last = String(e); // navigating: the page's context is being replaced
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`waited 30 s for ${what}; last: ${JSON.stringify(last)}`);
}

const present = (selector) => `return !!document.querySelector(${JSON.stringify(selector)})`;

/** Marks the button or link whose visible text is `label`, then clicks it as a user would. */
async function clickText(d, label) {
  await until(
    d,
    `"${label}"`,
    `const hit = [...document.querySelectorAll('button, a')].find((e) => e.innerText.trim() === arguments[0] || e.innerText.trim().startsWith(arguments[0] + '\\n'));
     document.querySelectorAll('[data-e2e-target]').forEach((e) => e.removeAttribute('data-e2e-target'));
     if (hit) hit.setAttribute('data-e2e-target', '');
     return !!hit;`,
    label,
  );
  await d.click('[data-e2e-target]');
}

async function fragment(d) {
  return decodeURIComponent((await d.url()).split('#')[1] ?? '');
}

/** The language the portal shows (the browser's, as a customer's would be). */
const shown = (d) => until(d, 'the portal', 'const e = document.querySelector(".asp[lang]"); return e && e.lang');

/** The self-check from the start page to the answer, looking the order up. */
async function selfCheck(d, base) {
  await d.goto(base);
  await until(d, 'the start page', present('a.asp-choice[data-request="return"]'));
  await until(d, 'the app', 'return !document.querySelector("[data-first-paint]:not([hidden])")');
  const lang = await shown(d);
  await d.click('a.asp-choice[data-request="return"]');
  await until(d, 'the look-up form', present('#asp-order-number'));
  await d.fill('#asp-order-number', 'DEMO-1003');
  await d.fill('#asp-order-phone', '138 0013 8000');
  await d.click('form.asp-form button[type="submit"]');
  const answers = { ask: text(lang, 'portal.answer_yes'), reason: text(lang, 'portal.reason_other') };
  for (let i = 0; i < 12; i++) {
    const step = await until(d, 'a step after the look-up', 'return location.hash.includes("/ask/") || /\\/(reason|answer)$/.test(location.hash) ? location.hash : ""');
    if (step.endsWith('/answer')) break;
    await clickText(d, step.includes('/ask/') ? answers.ask : answers.reason);
    await until(d, 'the next step', 'return location.hash !== arguments[0]', step);
  }
  return until(
    d,
    'the decision',
    `const e = document.querySelector('[data-clause][data-outcome]');
     return e && { clause: e.dataset.clause, outcome: e.dataset.outcome };`,
  );
}

/**
 * From the answer page, files the request (`beforeSubmit` runs once the form is
 * filled in); returns its id once the outbox page shows it.
 */
async function file(d, name, beforeSubmit = async () => {}) {
  await clickText(d, text(await shown(d), 'portal.file_this'));
  await until(d, 'the form', present('#asp-contact-name'));
  await d.fill('#asp-contact-name', name);
  await d.fill('#asp-contact-phone', '138 0013 8000');
  await beforeSubmit();
  await clickText(d, text(await shown(d), 'requests.submit'));
  const hash = await until(d, 'the outbox page', 'return location.hash.startsWith("#/o/") && location.hash');
  return decodeURIComponent(hash.slice('#/o/'.length));
}

const state = (d, wanted) =>
  until(d, `the state ${wanted}`, `return document.querySelector('[data-state="${wanted}"]') && true`);

async function trackingCode(d) {
  await state(d, 'received');
  return d.evaluate('return document.querySelector("[data-tracking-code]").dataset.trackingCode');
}

/** WebKitWebDriver under a virtual display; its MiniBrowser found beside WebKitGTK. */
async function webkitDriver() {
  const port = await freePort();
  const child = spawn('xvfb-run', ['-a', WEBKIT_DRIVER, `--port=${port}`], { stdio: 'ignore', detached: true });
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/status`);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const browser = execFileSync('sh', ['-c', 'ls /usr/lib/*/webkit2gtk-4.*/MiniBrowser | head -n 1'], { encoding: 'utf8' }).trim();
  const d = await webdriverDriver(`http://127.0.0.1:${port}`, {
    alwaysMatch: { 'webkitgtk:browserOptions': { binary: browser, args: ['--automation', '--geometry=390x844'] } },
  });
  const close = d.close;
  d.close = async () => {
    await close().catch(() => {});
    try {
      process.kill(-child.pid);
    } catch {}
  };
  return d;
}

const ENGINES = [
  {
    name: 'Chromium',
    agent: /Chrome\//,
    installed: () => existsSync(CHROMIUM),
    start: () => puppeteerDriver({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
  },
  {
    name: 'Firefox',
    agent: /Gecko\/\d+ Firefox\//,
    installed: () => existsSync(FIREFOX),
    start: () =>
      puppeteerDriver({
        browser: 'firefox',
        executablePath: FIREFOX,
        extraPrefsFirefox: { 'intl.accept_languages': 'en-US' },
      }),
  },
  {
    name: 'WebKit',
    agent: /^(?!.*(Chrome|Firefox)).*AppleWebKit\//,
    installed: () => existsSync(WEBKIT_DRIVER),
    start: webkitDriver,
  },
];

describe('the customer flows in three browser engines', () => {
  for (const engine of ENGINES) {
    test(`${engine.name}: self-check with look-up, filing, the outbox while the server is down, tracking`, { timeout: 240_000 }, async (t) => {
      if (!engine.installed()) {
        t.skip(`${engine.name} is not installed here (scripts/setup-tools.sh installs it)`);
        return;
      }
      const base = env.server.base;
      const d = await engine.start();
      try {
        const decision = await selfCheck(d, base);
        const agent = await d.evaluate('return navigator.userAgent');
        assert.match(agent, engine.agent, 'the engine is the one named');
        t.diagnostic(agent);
        assert.equal(decision.clause, 'return.within_window', JSON.stringify(decision));
        const id = await file(d, `${engine.name} customer`);
        const code = await trackingCode(d);
        assert.deepEqual(env.server.query(`SELECT COUNT(*) AS n FROM requests WHERE id = '${id}'`), [{ n: 1 }]);

        // The server goes away while the customer fills in the form: the
        // request is kept on the device, then sent once it is back.
        await selfCheck(d, base);
        const waiting = await file(d, `${engine.name} customer, offline`, () => env.server.stop());
        await state(d, 'saved');
        assert.equal(await d.evaluate('return document.querySelector("[data-tracking-code]")'), null);
        await env.server.start();
        // The customer presses "retry now" if the outbox has not sent it by itself.
        await until(
          d,
          'the request sent after the server came back',
          `if (document.querySelector('[data-state="received"]')) return true;
           document.querySelector('[data-action="retry"]')?.click();
           return false;`,
        );
        await trackingCode(d);
        assert.deepEqual(env.server.query(`SELECT COUNT(*) AS n FROM requests WHERE id = '${waiting}'`), [{ n: 1 }]);

        // Tracking, by the link the customer keeps.
        await d.goto(`${base}requests.html#/r/${encodeURIComponent(id)}?code=${code}`);
        const status = await until(d, 'the tracking page', 'const e = document.querySelector("dl[data-status]"); return e && e.dataset.status');
        assert.equal(status, 'received');
        assert.deepEqual(d.errors, []);
      } finally {
        await d.close();
      }
    });
  }
});
