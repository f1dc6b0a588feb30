// Debian's Chromium through playwright-core with the flags this machine needs, the
// phone and desktop contexts every test opens, the error watcher and screenshots.
//
// Env: CHROMIUM (default /usr/bin/chromium). Screenshots go to tests/e2e/artifacts/.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ARTIFACTS = path.resolve(here, '../artifacts');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };

export async function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A browser with a profile on disk (IndexedDB survives closing it), as one context. */
export async function launchPersistent(userDataDir, options = {}) {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    ...contextOptions(options),
  });
}

/**
 * A persistent browser as most customers' browsers are: a third-party frame gets
 * storage, partitioned by the top site. Playwright's profiles block third-party
 * storage (as an incognito window does) and switch partitioning off; the profile's
 * cookie controls and Playwright's list of disabled features are set back here.
 */
export async function launchWithPartitionedStorage(userDataDir, options = {}) {
  mkdirSync(path.join(userDataDir, 'Default'), { recursive: true });
  const preferences = { profile: { cookie_controls_mode: 0, block_third_party_cookies: false } };
  writeFileSync(path.join(userDataDir, 'Default', 'Preferences'), JSON.stringify(preferences));
  // Playwright's own switch, read from a browser it starts, so a new version's list is kept.
  const probe = await chromium.launchServer({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const disabled = probe.process().spawnargs.find((a) => a.startsWith('--disable-features='));
  await probe.close();
  const kept = disabled ? disabled.slice('--disable-features='.length).split(',').filter((f) => f !== 'ThirdPartyStoragePartitioning') : [];
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS, ...(kept.length ? [`--disable-features=${kept.join(',')}`] : [])],
    ignoreDefaultArgs: disabled ? [disabled] : [],
    ...contextOptions(options),
  });
}

/** Options of a customer's context: a phone, service workers blocked unless asked. */
function contextOptions({ locale = 'en-US', viewport = PHONE, serviceWorkers = 'block', ...rest } = {}) {
  return { locale, viewport, serviceWorkers, ...rest };
}

/** A fresh context (own storage): `locale`, `viewport` (PHONE), `serviceWorkers` ('block'). */
export async function newContext(browser, options = {}) {
  return browser.newContext(contextOptions(options));
}

/**
 * Collects a page's uncaught errors and console errors. With `network: false`, the
 * console lines of failed loads are left out (a test that cuts the network makes
 * the browser log every refused connection); with `console: false`, every console
 * line is.
 */
export function watch(page, { network = true, console = true } = {}) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (!console || m.type() !== 'error') return;
    const text = m.text();
    if (!network && /Failed to load resource|ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_REFUSED|net::ERR/.test(text)) return;
    errors.push(text);
  });
  return errors;
}

/** A full-page screenshot in artifacts/<name>.png. */
export async function shot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}
