// axe-core in the page: its source is evaluated through the DevTools protocol, which
// the server's CSP does not apply to (a script tag would need bypassCSP).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's violations on the page as readable lines; `disable`: rule ids to skip. */
export async function axeViolations(page, { disable = [] } = {}) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (disable) => {
    const rules = Object.fromEntries(disable.map((id) => [id, { enabled: false }]));
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'], rules });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }, disable);
}

/** No axe-core violation on the page (`where` names it in the failure). */
export async function assertAccessible(page, where, options) {
  assert.deepEqual(await axeViolations(page, options), [], `axe violations on ${where}`);
}
