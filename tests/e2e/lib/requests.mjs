// The requests app as a customer uses it: from the self-check's answer to the form,
// the contact fields by their labels, submit, the outbox page's states, "My
// requests"; and the ledger that checks the server holds one row per request filed.

import assert from 'node:assert/strict';
import { answerAll, chooseDemoOrder, fileLink, gotoRoute, openDemoOrders, shownLang } from './portal.mjs';
import { anyOf, text } from './texts.mjs';

/** The demo order each request type is checked with. */
export const DEMO = { cancel: 'SO-24001', return: 'SO-24003', exchange: 'SO-24003', repair: 'SO-24008', complaint: 'SO-24001' };

/**
 * The self-check at `base` with the type's demo order up to its answer page: a return
 * for another reason, an exchange for a defect, a complaint about the service, "yes"
 * to every question.
 */
export async function selfCheckToAnswer(page, base, type) {
  await gotoRoute(page, `${base}#/${type}`);
  await openDemoOrders(page);
  await chooseDemoOrder(page, DEMO[type]);
  await answerAll(page, 'yes', { reason: type === 'return' ? 'other' : 'quality', about: 'service' });
}

/** Answer page → "File this request" → the form of the requests app. */
export async function goToForm(page, base, type) {
  await selfCheckToAnswer(page, base, type);
  await (await fileLink(page)).click();
  await page.waitForURL(new RegExp(`requests\\.html#/file/${type}$`));
  await (await contactField(page, 'name')).waitFor();
}

const FIELDS = { name: 'requests.name', phone: 'requests.phone', time: 'requests.preferred_time', description: 'requests.description' };

/** A field of the request form by its label: `name`, `phone`, `time`, `description`. */
export async function contactField(page, field) {
  return page.getByLabel(text(await shownLang(page), FIELDS[field]), { exact: true });
}

export async function fillContact(page, { name = '王女士', phone = '138 0013 8000', time = '', description = '' } = {}) {
  await (await contactField(page, 'name')).fill(name);
  await (await contactField(page, 'phone')).fill(phone);
  if (time) await (await contactField(page, 'time')).fill(time);
  if (description) await (await contactField(page, 'description')).fill(description);
}

/** The form's submit button ("Send request", or "Send the corrected request"). */
export async function submitButton(page) {
  const lang = await shownLang(page);
  return page.getByRole('button', { name: anyOf(text(lang, 'requests.submit'), text(lang, 'requests.resend')) });
}

/** Presses submit; returns the new request's id (the outbox page's URL). */
export async function submit(page, { timeout = 15_000 } = {}) {
  const before = page.url();
  await (await submitButton(page)).click();
  await page.waitForURL((u) => u.toString() !== before && /#\/o\//.test(u.toString()), { timeout });
  return decodeURIComponent(page.url().split('#/o/')[1]);
}

/**
 * The state the outbox page shows (saved, sending, received, needs_fix, …): an id in
 * the data-state of its status or alert, which no visible text carries as such.
 */
export function pageState(page) {
  return page.locator('[data-state]').first().getAttribute('data-state');
}

export async function waitForState(page, state, timeout = 30_000) {
  await page.locator(`[data-state="${state}"]`).first().waitFor({ timeout });
}

/** Waits for "received" and returns the tracking code. */
export async function received(page, timeout = 30_000) {
  await waitForState(page, 'received', timeout);
  const code = await page.locator('[data-tracking-code]').first().getAttribute('data-tracking-code');
  assert.match(code, /^[2-9A-HJ-NP-Z]{8}$/);
  return code;
}

/** The outbox page's status line ("You are offline…", "…could not be reached…"). */
export const outboxStatus = (page, hasText) => page.getByRole('status').filter({ hasText });

/**
 * "My requests": one request's entry (the request id is not shown: it is the entry's
 * data-id; its data-sync and data-status say where it is).
 */
export const requestItem = (page, id, attrs = '') => page.getByRole('listitem').and(page.locator(`[data-id="${id}"]${attrs}`));

/** Every entry of "My requests". */
export const requestItems = (page) => page.getByRole('listitem').and(page.locator('[data-id]'));

/** "My requests" has loaded: its first entry, or the text saying there is none. */
export async function myRequestsLoaded(page) {
  const lang = await shownLang(page);
  await requestItems(page).first().or(page.getByText(text(lang, 'requests.mine_empty'))).first().waitFor();
}

/**
 * Filed ids against the server's rows: `lost` (filed, not stored), `duplicated`
 * (extra copies), `unexpected` (stored, never filed).
 */
export function reconcile(filedIds, rowIds) {
  const filed = new Set(filedIds);
  const stored = new Set(rowIds);
  return {
    lost: [...filed].filter((id) => !stored.has(id)),
    duplicated: rowIds.filter((id, i) => rowIds.indexOf(id) !== i),
    unexpected: rowIds.filter((id) => !filed.has(id)),
  };
}

/** The requests filed in a test file: the server must hold exactly these. */
export class Filed {
  constructor(backend) {
    this.backend = backend;
    this.ids = new Set();
  }

  add(id) {
    this.ids.add(id);
    return id;
  }

  /** A request the server refused: never stored. */
  delete(id) {
    this.ids.delete(id);
  }

  get size() {
    return this.ids.size;
  }

  /** Exactly one row per request filed, none lost, none duplicated. */
  assertOneRowPerRequest(where) {
    const rows = this.backend.requests();
    assert.deepEqual(reconcile(this.ids, rows.map((r) => r.id)), { lost: [], duplicated: [], unexpected: [] }, where);
    return rows;
  }

  /** Rows of the server's database in the order of `ids`. */
  rowsById(ids) {
    const rows = this.backend.requests();
    return ids.map((id) => rows.find((r) => r.id === id));
  }
}
