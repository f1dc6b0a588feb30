// The self-check as a customer uses it, in either language: pages found by their
// heading, requests, demo orders and answers by the texts on their links and
// buttons (lib/texts.mjs), the decision read from the answer page.

import assert from 'node:assert/strict';
import { newContext, watch } from './browser.mjs';
import { endingWith, portalLang, startingWith, text } from './texts.mjs';

/** The page's title: the one h2 of both apps (the h1 is the header's brand). */
export const heading = (page) => page.getByRole('heading', { level: 2 });

export async function title(page) {
  return heading(page).innerText();
}

/**
 * The portal's root element on show, which carries the portal's `lang` (a plain
 * div: no role or name to find it by). Visible only: before the app takes over,
 * the start page painted in the other language waits hidden in the page.
 */
export const portalRoot = (page) => page.locator('.asp:visible').first();

/**
 * The language the page is shown in ('zh-CN' or 'en'): the portal root's `lang`.
 * Not read around the heading: right after a click the old page's heading may
 * already be detached, and a detached element has no `lang` above it.
 */
export async function shownLang(page) {
  return portalLang((await portalRoot(page).getAttribute('lang')) ?? '');
}

/** Goes to `url` and waits until the page shows its heading. */
export async function gotoRoute(page, url) {
  await page.goto(url);
  await heading(page).waitFor();
}

/**
 * A fresh context (lib/browser.mjs newContext: `locale`, `viewport`, `serviceWorkers`)
 * with its page at `url`, its heading shown. `clock`: the page's clock starts there;
 * `network: false`: failed loads are not counted as errors.
 */
export async function openPage(browser, url, { clock, network, ...options } = {}) {
  const context = await newContext(browser, options);
  const page = await context.newPage();
  const errors = watch(page, { network });
  if (clock) await page.clock.install({ time: clock });
  await gotoRoute(page, url);
  return { page, context, errors };
}


const REQUEST_KEYS = {
  cancel: 'cancel',
  return: 'return_goods',
  exchange: 'exchange',
  repair: 'repair',
  complaint: 'complaint',
};

/** The name of a request type as the portal shows it ("Cancel order", "退货"). */
export const requestName = (lang, request) => text(lang, `decision.request.${REQUEST_KEYS[request]}`);

/** Start page → the request's link (its name is the request, then a hint). */
export async function chooseRequest(page, request) {
  const lang = await shownLang(page);
  await page.getByRole('link', { name: startingWith(requestName(lang, request)) }).click();
}

/** Order step: opens the list of demo orders. */
export async function openDemoOrders(page) {
  const lang = await shownLang(page);
  await page.getByText(text(lang, 'portal.demo_title'), { exact: true }).click();
}

/** The demo order's button (its name holds the order number). */
export const demoOrder = (page, order) => page.getByRole('button', { name: order });

/** Picks a demo order from the open list and waits for the next step. */
export async function chooseDemoOrder(page, order) {
  const before = page.url();
  await demoOrder(page, order).click();
  await page.waitForURL((u) => u.toString() !== before);
}

/** Start → request → a demo order. */
export async function chooseDemo(page, request, order) {
  await chooseRequest(page, request);
  await openDemoOrders(page);
  await chooseDemoOrder(page, order);
}

const CHOICES = {
  yes: 'portal.answer_yes',
  no: 'portal.answer_no',
  unknown: 'portal.answer_unknown',
  quality: 'portal.reason_quality',
  other: 'portal.reason_other',
  service: 'decision.about.service',
  product: 'decision.about.product',
};

/**
 * The one-tap answer `choice` of the question page now shown: `yes`, `no`, `unknown`
 * (a condition), `quality`, `other` (why return or exchange), `service`, `product`
 * (what a complaint is about).
 */
export const choiceButton = (page, lang, choice) =>
  page.getByRole('button', { name: text(lang, CHOICES[choice]), exact: true });

/** Taps an answer (see choiceButton) and waits for the next step. */
export async function answer(page, choice) {
  const before = page.url();
  await choiceButton(page, await shownLang(page), choice).click();
  await page.waitForURL((u) => u.toString() !== before);
}

/**
 * Answers every remaining step until the answer page: each condition with `ask`, the
 * reason with `reason`, a complaint's topic with `about`. Returns the steps asked.
 */
export async function answerAll(page, ask, { reason, about } = {}) {
  const asked = [];
  for (let i = 0; i < 20 && !page.url().endsWith('/answer'); i++) {
    const step = decodeURIComponent(page.url().split('#/')[1]);
    const choice = step.includes('/ask/') ? ask : step.endsWith('/reason') ? reason : step.endsWith('/about') ? about : undefined;
    assert.ok(choice, `no answer for the step ${step}`);
    asked.push(step);
    await answer(page, choice);
  }
  await page.waitForURL(/\/answer$/);
  return asked;
}

/** The answer page's result (a region named by the page's title, "… · Your answer"). */
export async function result(page) {
  const lang = await shownLang(page);
  return page.getByRole('region', { name: endingWith(text(lang, 'portal.answer_title')) });
}

/**
 * The decision on the answer page: its clause and outcome (ids in data attributes:
 * no visible text carries them), headline, reason, facts (term → definition) and the
 * whole page's text.
 */
export async function readDecision(page) {
  const summary = (await result(page)).locator('[aria-live="polite"]');
  const decision = summary.locator('[data-clause]').first();
  await decision.waitFor();
  const terms = await summary.getByRole('term').allInnerTexts();
  const definitions = await summary.getByRole('definition').allInnerTexts();
  assert.equal(terms.length, definitions.length, `facts: ${terms} / ${definitions}`);
  const facts = {};
  terms.forEach((t, i) => (facts[t.trim()] = definitions[i].trim()));
  return {
    clause: await decision.getAttribute('data-clause'),
    outcome: await decision.getAttribute('data-outcome'),
    // The headline and the reason are plain paragraphs (no role or name).
    headline: (await decision.locator('.asp-headline').innerText()).trim(),
    why: (await decision.locator('.asp-why').innerText()).trim(),
    facts,
    text: await pageText(page),
  };
}

/** Everything on the page under the header (the page has no landmark of its own). */
export function pageText(page) {
  return page.locator('.asp-page').innerText();
}

/** The answer page's "File this request" link. */
export async function fileLink(page) {
  return page.getByRole('link', { name: text(await shownLang(page), 'portal.file_this') });
}

/** The header's language switch ("Change language: 中文"). */
export async function languageSwitch(page) {
  return page.getByRole('button', { name: startingWith(text(await shownLang(page), 'portal.switch_label')) });
}

/** The header's "My requests" link. */
export async function myRequestsLink(page) {
  return page.getByRole('navigation').getByRole('link', { name: text(await shownLang(page), 'portal.my_requests'), exact: true });
}
