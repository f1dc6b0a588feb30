// The portal's own texts (locales/<locale>/{portal,requests,decision}.json), so that
// the tests find buttons, links, fields and messages by what the customer sees, in
// either language, with the exact strings the portal shows.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './backend.mjs';

const FILES = ['portal', 'requests', 'decision', 'kiosk', 'staff'];

function load(dir) {
  const out = {};
  for (const f of FILES) out[f] = JSON.parse(readFileSync(path.join(ROOT, 'locales', dir, `${f}.json`), 'utf8'));
  return out;
}

const LOCALES = { 'zh-CN': load('zh-CN'), en: load('en') };

/** The portal's language for a browser locale or a `lang` attribute: 'zh-CN' or 'en'. */
export function portalLang(locale) {
  return /^zh/i.test(locale) ? 'zh-CN' : 'en';
}

/**
 * A text by its key (`portal.answer_yes`, `decision.request.cancel`), in the language
 * of `locale` ('zh-CN', 'en', 'en-US'), with `{{ name }}` placeholders filled from `vars`.
 */
export function text(locale, key, vars = {}) {
  let value = LOCALES[portalLang(locale)];
  for (const part of key.split('.')) value = value?.[part];
  if (typeof value !== 'string') throw new Error(`no text "${key}" in ${portalLang(locale)}`);
  return value.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, name) => {
    if (!(name in vars)) throw new Error(`text "${key}" needs {{ ${name} }}`);
    return String(vars[name]);
  });
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A whole-name pattern matching any of the texts (for a button whose label changes). */
export function anyOf(...texts) {
  return new RegExp(`^(${texts.map(escape).join('|')})$`);
}

/** A pattern matching names that start with the text (a link with a hint after its title). */
export function startingWith(t) {
  return new RegExp(`^${escape(t)}`);
}

/** A pattern matching names that end with the text ("Cancel order · Your answer"). */
export function endingWith(t) {
  return new RegExp(`${escape(t)}$`);
}
