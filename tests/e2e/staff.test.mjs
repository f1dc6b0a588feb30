// Browser tests of the staff console (staff.html, src/staff) against the real
// server: sign-in, a request filed by a customer appearing in the queue without a
// reload, moving it by the roles of the procedure, a note reaching the customer's
// tracking page, two people acting at once, a step of another role refused in
// the console and by the API, finance, the service centre and the technician at
// their own steps, sign-in lockout, a cross-site form post, the CSV download.
// Screenshots at 1280 and 768 px in both languages.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assertAccessible } from './lib/axe.mjs';
import { DESKTOP, newContext, shot, watch } from './lib/browser.mjs';
import { fillContact, goToForm, received, submit } from './lib/requests.mjs';
import { serverAndBrowser } from './lib/suite.mjs';
import { text } from './lib/texts.mjs';

const env = serverAndBrowser();
const PASSWORD = 'a long staff password';
const TABLET = { width: 768, height: 1024 };

/** The console at `size` in `locale`, with its errors watched. */
async function console_(locale, size = DESKTOP) {
  const context = await newContext(env.browser, { locale, viewport: size });
  const page = await context.newPage();
  // Refused calls (401 before signing in, 403, 409) are answers, not errors.
  const errors = watch(page, { network: false });
  await page.goto(`${env.server.base}staff.html`);
  return { context, page, errors };
}

async function signIn(page, locale, username, password = PASSWORD) {
  await page.getByLabel(text(locale, 'staff.username')).fill(username);
  await page.getByLabel(text(locale, 'staff.password')).fill(password);
  await page.getByRole('button', { name: text(locale, 'staff.sign_in') }).click();
}

/** A customer files a request (a cancellation unless `type` says otherwise)
 * through the requests app: its id and tracking code. */
async function fileAsCustomer(type = 'cancel') {
  const context = await newContext(env.browser, { locale: 'en-US' });
  try {
    const page = await context.newPage();
    await goToForm(page, env.server.base, type);
    await fillContact(page);
    const id = await submit(page);
    return { id, code: await received(page) };
  } finally {
    await context.close();
  }
}

const row = (page, id) => page.locator(`tr[data-id="${id}"]`);
const stepButton = (page, locale, step) =>
  page.getByRole('button', { name: text(locale, `decision.step.${step}`), exact: true });

describe('staff console', () => {
  test('sign-in, a new request in the queue without a reload, moved by the roles of the procedure', { timeout: 180_000 }, async () => {
    env.server.addStaff('desk', 'front_desk', PASSWORD);
    env.server.addStaff('desk2', 'front_desk', PASSWORD);
    env.server.addStaff('gm', 'general_manager', PASSWORD);
    env.server.addStaff('fin', 'finance', PASSWORD);
    const en = 'en';
    const { context, page, errors } = await console_('en-US');
    try {
      // A wrong password gets the server's words, and no session.
      await signIn(page, en, 'desk', 'not the password');
      await page.getByRole('alert').filter({ hasText: 'Wrong username or password.' }).waitFor();
      await assertAccessible(page, 'sign-in');
      await shot(page, 'staff-en-sign-in-1280');
      await signIn(page, en, 'desk');
      await page.getByRole('link', { name: text(en, 'staff.tab_new') }).waitFor();
      await page.getByText(text(en, 'staff.queue_empty')).waitFor();

      // A customer files; the open queue shows it within one refresh, with its countdown.
      const { id, code } = await fileAsCustomer();
      await row(page, id).waitFor({ timeout: 20_000 });
      // The row names the level due next and counts down to it.
      const due = await row(page, id).locator('.stf-countdown').innerText();
      assert.match(due, /^(\d+ (days?|hours?|minutes?) ?)+$/, due);
      const level = await row(page, id).locator('.stf-level').innerText();
      assert.equal(level, text(en, 'decision.service.acknowledge'));
      // Search by the tracking code finds it in every status.
      await page.getByLabel(text(en, 'staff.search_label')).fill(code.toLowerCase());
      await page.getByRole('button', { name: text(en, 'staff.search'), exact: true }).click();
      await page.getByText(text(en, 'staff.search_clear')).waitFor();
      assert.equal(await page.locator('tr[data-id]').count(), 1);
      await page.getByText(text(en, 'staff.search_clear')).click();
      await page.waitForFunction((t) => document.title === t, `(1) ${text(en, 'staff.title')}`);
      await assertAccessible(page, 'queue');
      await shot(page, 'staff-en-queue-1280');

      // The request: the desk's own steps are offered, the general manager's is not.
      await row(page, id).getByRole('link').click();
      await page.getByRole('heading', { level: 3, name: text(en, 'staff.steps_title') }).waitFor();
      for (const step of ['record_reason', 'retention_offer', 'cancellation_form', 'customer_signature']) {
        assert.equal(await stepButton(page, en, step).count(), 1, step);
      }
      assert.equal(await stepButton(page, en, 'general_manager_approval').count(), 0);
      assert.equal(await page.getByRole('button', { name: text(en, 'staff.reject') }).count(), 0);
      assert.equal(await page.getByRole('link', { name: '13800138000' }).getAttribute('href'), 'tel:13800138000');
      await assertAccessible(page, 'request');

      // A note for the customer with the first step; it reaches their tracking page.
      await page.getByLabel(text(en, 'staff.note_for_customer')).fill('We will call you tomorrow morning.');
      await stepButton(page, en, 'record_reason').click();
      await page.getByRole('status').filter({ hasText: text(en, 'staff.moved') }).waitFor();
      await page.locator('li[data-step="record_reason"][data-state="done"]').waitFor();
      const tracking = await newContext(env.browser, { locale: 'en-US' });
      const customer = await tracking.newPage();
      await customer.goto(`${env.server.base}requests.html#/r/${id}?code=${code}`);
      await customer.getByText('We will call you tomorrow morning.').waitFor();
      await tracking.close();

      // The API refuses the general manager's step to the desk too (403), with the
      // session's CSRF token.
      const status = await page.evaluate(async (id) => {
        const session = await (await fetch('api/staff/session')).json();
        const r = await fetch(`api/staff/requests/${id}/transition`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrf_token },
          body: JSON.stringify({ to: 'general_manager_approval' }),
        });
        return r.status;
      }, id);
      assert.equal(status, 403);

      // Two people at once: a second desk has the same page open; the first moves
      // on, the second's click is refused and shows the new state.
      const second = await console_('en-US');
      await signIn(second.page, en, 'desk2');
      await second.page.goto(`${env.server.base}staff.html#/r/${id}`);
      await stepButton(second.page, en, 'retention_offer').waitFor();
      await stepButton(page, en, 'retention_offer').click();
      await page.locator('li[data-step="retention_offer"][data-state="done"]').waitFor();
      await stepButton(second.page, en, 'retention_offer').click();
      await second.page.getByRole('status').filter({ hasText: text(en, 'staff.changed_meanwhile') }).waitFor();
      await second.page.locator('li[data-step="retention_offer"][data-state="done"]').waitFor();
      assert.equal(await stepButton(second.page, en, 'retention_offer').count(), 0);
      assert.deepEqual(second.errors, []);
      await second.context.close();

      // Up to the general manager's approval, which only the general manager gives.
      await stepButton(page, en, 'customer_signature').click();
      await page.locator('li[data-step="customer_signature"][data-state="done"]').waitFor();
      assert.equal(await stepButton(page, en, 'service_centre_notified').count(), 0);
      await page.getByText(text(en, 'staff.waiting_for', { role: text(en, 'staff.role.general_manager') })).waitFor();
      await shot(page, 'staff-en-request-1280');
      await page.getByRole('button', { name: text(en, 'staff.sign_out') }).click();
      await signIn(page, en, 'gm');
      await page.goto(`${env.server.base}staff.html#/r/${id}`);
      await stepButton(page, en, 'general_manager_approval').click();
      await page.locator('li[data-step="general_manager_approval"][data-state="done"]').waitFor();
      await page.setViewportSize(TABLET);
      await shot(page, 'staff-en-request-768');

      // The rest of the procedure: the desk tells the service centre; finance finds
      // the request waiting for it, files it and refunds, and may not close it; then
      // it waits for the desk again, who closes it.
      const signOut = () => page.getByRole('button', { name: text(en, 'staff.sign_out') }).click();
      await signOut();
      await signIn(page, en, 'desk');
      await page.goto(`${env.server.base}staff.html#/r/${id}`);
      await stepButton(page, en, 'service_centre_notified').click();
      await page.locator('li[data-step="service_centre_notified"][data-state="done"]').waitFor();
      await signOut();
      await signIn(page, en, 'fin');
      await page.goto(`${env.server.base}staff.html#/waiting`);
      await row(page, id).getByRole('link').click();
      for (const step of ['finance_filing', 'refund']) {
        await stepButton(page, en, step).click();
        await page.locator(`li[data-step="${step}"][data-state="done"]`).waitFor();
      }
      assert.equal(await page.locator('.stf-buttons [data-to]').count(), 0);
      await signOut();
      await signIn(page, en, 'desk');
      await page.goto(`${env.server.base}staff.html#/waiting`);
      await row(page, id).getByRole('link').click();
      await page.locator('.stf-buttons [data-to="closed"]').click();
      await page.locator('.stf-buttons [data-to="closed"]').waitFor({ state: 'detached' });
      assert.equal(env.server.query(`SELECT status FROM requests WHERE id = '${id}'`)[0].status, 'closed');
      // The trail says who did what.
      const actors = env.server.query(`SELECT actor FROM audit_log WHERE request_id = '${id}' AND action = 'transition' ORDER BY at, id`).map((r) => r.actor);
      assert.deepEqual(actors, ['desk', 'desk', 'desk', 'gm', 'desk', 'fin', 'fin', 'desk']);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('sign-in locks after five failures; a cross-site form post changes nothing', { timeout: 90_000 }, async () => {
    env.server.addStaff('target', 'front_desk', PASSWORD);
    env.server.addStaff('desk3', 'front_desk', PASSWORD);
    const en = 'en';
    const { context, page, errors } = await console_('en-US');
    try {
      const attempt = async (username, password) => {
        const [response] = await Promise.all([
          page.waitForResponse((r) => r.url().endsWith('api/staff/session') && r.request().method() === 'POST'),
          signIn(page, en, username, password),
        ]);
        return response.status();
      };
      for (let i = 0; i < 5; i++) assert.equal(await attempt('target', `wrong ${i}`), 401);
      // Locked: even the right password is refused, and the console says so.
      assert.equal(await attempt('target', PASSWORD), 429);
      await page.getByRole('alert').filter({ hasText: 'Too many requests; try again later.' }).waitFor();
      await page.getByRole('heading', { name: text(en, 'staff.sign_in_title') }).waitFor();
      assert.equal((await context.cookies()).filter((c) => c.name === 'aftersales_staff').length, 0);

      // Signed in as another desk, the browser holds a session cookie. A page on
      // another site posts a form at the staff API (JSON smuggled as text/plain):
      // the cookie is not sent across sites, and there is no CSRF token anyway.
      assert.equal(await attempt('desk3', PASSWORD), 200);
      await page.getByRole('link', { name: text(en, 'staff.tab_new') }).waitFor();
      const { id } = await fileAsCustomer();
      const target = `${env.server.base}api/staff/requests/${id}/transition`;
      await page.route('http://attacker.test/**', (route) => route.fulfill({
        contentType: 'text/html',
        body: `<form method="post" action="${target}" enctype="text/plain">
          <input name='{"to":"record_reason","note":"' value='"}'></form>
          <script>document.forms[0].submit()</script>`,
      }));
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.url() === target),
        page.goto('http://attacker.test/'),
      ]);
      // SameSite=Strict: the session cookie stayed home, so the post is anonymous.
      assert.equal(answer.status(), 401);
      // Same-site code without the session's CSRF token is refused too.
      await page.goto(`${env.server.base}staff.html#/`);
      const withoutToken = await page.evaluate(async (url) => {
        const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"to":"record_reason"}' });
        return [r.status, (await r.json()).error.code];
      }, target);
      assert.deepEqual(withoutToken, [403, 'csrf_rejected']);
      const [stored] = env.server.query(`SELECT status, step FROM requests WHERE id = '${id}'`);
      assert.deepEqual({ ...stored }, { status: 'received', step: null });
      assert.equal(env.server.query(`SELECT COUNT(*) AS n FROM audit_log WHERE request_id = '${id}' AND action = 'transition'`)[0].n, 0);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('a repair worked by the service centre and the technician, each offered only their own steps', { timeout: 120_000 }, async () => {
    env.server.addStaff('centre', 'service_centre', PASSWORD);
    env.server.addStaff('tech', 'technician', PASSWORD);
    const zh = 'zh-CN';
    const { id } = await fileAsCustomer('repair');
    await env.server.transition(id, 'repair_notice');
    const { context, page, errors } = await console_('zh-CN', TABLET);
    const signOut = () => page.getByRole('button', { name: text(zh, 'staff.sign_out') }).click();
    const open = async () => {
      await page.goto(`${env.server.base}staff.html#/waiting`);
      await row(page, id).getByRole('link').click();
    };
    try {
      await signIn(page, zh, 'centre');
      await open();
      await stepButton(page, zh, 'first_contact').click();
      await page.locator('li[data-step="first_contact"][data-state="done"]').waitFor();
      // The inspection is the technician's: the centre can neither do it nor pass over it.
      for (const step of ['inspection_visit', 'plan_to_customer']) {
        assert.equal(await stepButton(page, zh, step).count(), 0, step);
      }
      assert.equal(await page.locator('.stf-buttons [data-to]').count(), 0);
      await signOut();
      await signIn(page, zh, 'tech');
      await open();
      await stepButton(page, zh, 'inspection_visit').click();
      await page.locator('li[data-step="inspection_visit"][data-state="done"]').waitFor();
      assert.equal(await stepButton(page, zh, 'manager_confirms').count(), 0);
      await assertAccessible(page, 'request as the technician (zh-CN)');
      const actors = env.server.query(`SELECT actor FROM audit_log WHERE request_id = '${id}' AND action = 'transition' ORDER BY at, id`).map((r) => r.actor);
      assert.deepEqual(actors.slice(1), ['centre', 'tech']);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('the console in Chinese at tablet width, and signed out when the session ends', { timeout: 60_000 }, async () => {
    env.server.addStaff('manager', 'store_manager,operations_head', PASSWORD);
    const zh = 'zh-CN';
    const { context, page, errors } = await console_('zh-CN', TABLET);
    try {
      await page.getByRole('heading', { name: text(zh, 'staff.sign_in_title') }).waitFor();
      await shot(page, 'staff-zh-sign-in-768');
      await signIn(page, zh, 'manager');
      await page.getByRole('link', { name: new RegExp(text(zh, 'staff.tab_new')) }).waitFor();
      await page.getByText(text(zh, 'staff.role.operations_head')).waitFor();
      const { id } = await fileAsCustomer();
      await page.locator(`tr[data-id="${id}"]`).waitFor({ timeout: 20_000 });
      // The CSV download opens in Excel with its Chinese intact: a byte-order mark,
      // the header in Chinese, the new request's row with its tracking code.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: text(zh, 'staff.export_csv') }).click(),
      ]);
      assert.match(download.suggestedFilename(), /^requests-new-\d{4}-\d{2}-\d{2}\.csv$/);
      const bytes = readFileSync(await download.path());
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'no byte-order mark');
      const csv = bytes.subarray(3).toString('utf8');
      assert.ok(csv.startsWith(`${text(zh, 'staff.csv.tracking_code')},${text(zh, 'staff.csv.order')}`), csv.slice(0, 80));
      const code = env.server.query(`SELECT tracking_code FROM requests WHERE id = '${id}'`)[0].tracking_code;
      assert.ok(csv.includes(code), `${code} not in the CSV`);
      assert.ok(csv.includes(text(zh, 'decision.request.cancel')), 'the type is not in Chinese');
      await assertAccessible(page, 'queue (zh-CN)');
      await shot(page, 'staff-zh-queue-768');
      await page.locator(`tr[data-id="${id}"] a`).click();
      await page.getByRole('heading', { level: 3, name: text(zh, 'staff.steps_title') }).waitFor();
      // The customer's own entry is named in the page's language, not by its id.
      assert.ok((await page.locator('.stf-history').innerText()).includes(text(zh, 'staff.actor.customer')));
      assert.ok(!(await page.locator('.stf-history').innerText()).includes('customer'));
      // The store manager closes and rejects, but records none of the desk's steps.
      await page.getByRole('button', { name: text(zh, 'staff.reject') }).waitFor();
      assert.equal(await page.locator('.stf-buttons [data-to]:not([data-to="closed"]):not([data-to="rejected"])').count(), 0);
      await assertAccessible(page, 'request (zh-CN)');
      await shot(page, 'staff-zh-request-768');
      await page.setViewportSize(DESKTOP);
      await shot(page, 'staff-zh-request-1280');
      await page.goto(`${env.server.base}staff.html#/`);
      await page.locator(`tr[data-id="${id}"]`).waitFor();
      await shot(page, 'staff-zh-queue-1280');
      // The session ends elsewhere (sign-out in another tab): the next call shows the form.
      await page.evaluate(async () => {
        const session = await (await fetch('api/staff/session')).json();
        await fetch('api/staff/session', { method: 'DELETE', headers: { 'x-csrf-token': session.csrf_token } });
      });
      await page.goto(`${env.server.base}staff.html#/closed`);
      await page.getByRole('heading', { name: text(zh, 'staff.sign_in_title') }).waitFor();
      const cookies = await context.cookies();
      assert.equal(cookies.filter((c) => c.name === 'aftersales_staff').length, 0);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('internal notes stay with staff; the reports dashboard; the administrator adds and disables an account', { timeout: 120_000 }, async () => {
    env.server.addStaff('boss', 'admin,store_manager', PASSWORD);
    for (const [locale, size, tag] of [['en-US', DESKTOP, 'en-1280'], ['zh-CN', { width: 390, height: 844 }, 'zh-390']]) {
      const l = locale === 'en-US' ? 'en' : 'zh-CN';
      const { context, page, errors } = await console_(locale, size);
      try {
        await signIn(page, l, 'boss');
        await page.getByRole('link', { name: text(l, 'staff.nav_reports') }).waitFor();
        const { id, code } = await fileAsCustomer();
        await row(page, id).waitFor({ timeout: 20_000 });
        await row(page, id).getByRole('link').click();

        // An internal note, apart from the customer's, never on the tracking page.
        const secret = `internal ${tag}: call before noon`;
        await page.getByLabel(text(l, 'staff.internal_add')).fill(secret);
        await page.getByRole('button', { name: text(l, 'staff.internal_save') }).click();
        await page.locator('.stf-internal-notes').getByText(secret).waitFor();
        await assertAccessible(page, `request with notes (${tag})`);
        await shot(page, `staff-${tag}-request`);
        const tracking = await fetch(`${env.server.base}api/requests/${id}?code=${code}`).then((r) => r.text());
        assert.ok(!tracking.includes(secret), 'the internal note reached the customer');

        await page.goto(`${env.server.base}staff.html#/reports`);
        await page.locator('[data-chart="by-type"] svg rect').first().waitFor();
        await assertAccessible(page, `reports (${tag})`);
        await shot(page, `staff-${tag}-reports`);

        await page.goto(`${env.server.base}staff.html#/accounts`);
        const name = `clerk-${tag}`;
        await page.getByLabel(text(l, 'staff.username'), { exact: true }).fill(name);
        await page.locator('.stf-add-account').getByLabel(text(l, 'staff.accounts.new_password')).fill('eight chars at least');
        await page.locator('.stf-add-account').getByLabel(text(l, 'staff.role.finance')).check();
        await page.getByRole('button', { name: text(l, 'staff.accounts.add'), exact: true }).click();
        const account = page.locator(`tr[data-account="${name}"]`);
        await account.waitFor();
        await account.getByRole('button', { name: text(l, 'staff.accounts.disable') }).click();
        await page.locator(`tr[data-account="${name}"][data-disabled]`).waitFor();
        await assertAccessible(page, `accounts (${tag})`);
        await shot(page, `staff-${tag}-accounts`);
        const login = await fetch(`${env.server.base}api/staff/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: name, password: 'eight chars at least' }),
        });
        assert.equal(login.status, 401, 'a disabled account signed in');
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    }
  });
});
