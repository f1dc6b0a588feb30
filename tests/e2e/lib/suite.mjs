// The set-up most browser test files share: one fresh server and one Chromium per
// file, started before its first test and stopped after its last.

import { after, before } from 'node:test';
import { Backend } from './backend.mjs';
import { launch } from './browser.mjs';

/**
 * A fresh server (dist/ and the API on a new SQLite file with the demo orders) and
 * Chromium for one test file. Read `env.server` and `env.browser` inside tests.
 */
export function serverAndBrowser() {
  const env = { server: undefined, browser: undefined };
  before(async () => {
    env.server = await Backend.started();
    env.browser = await launch();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.destroy();
  });
  return env;
}
