#!/usr/bin/env node
// Splits an app's WASM into parts fetched on demand (src/ui/part.rs;
// ARCHITECTURE.md, "Where the bytes go"): the self-check's start page and its
// steps, the requests app's core ("My requests", the outbox) and its other pages.
// Trunk has no WASM splitting, so this replaces the app's JS and WASM that
// `trunk build` wrote into DIST:
//
//   1. wasm-split-cli (crate wasm_split_cli_support) cuts Cargo's WASM at the
//      functions `part!` marks (the bin built with `--cfg aftersales_split` and
//      `-C link-args=--emit-relocs`, scripts/build-portal.sh): the main module, a
//      module per part, one per set of parts sharing code ("chunks"), and a JS
//      loader the main module imports;
//   2. wasm-bindgen (the Cargo.lock version, as Trunk runs it) writes the main
//      module's glue, keeping the exports the parts link against;
//   3. wasm-opt -Oz with index.html's parameters, on every module;
//   4. names carry a hash of Cargo's WASM (each file names the others, so their own
//      hashes cannot be used), and the page is pointed at them with their
//      Subresource Integrity hashes and a modulepreload of the loader.
//
//   node scripts/split-wasm.mjs WASM DIST [PAGE] [PART=FRAGMENT-REGEX ...]
//
// WASM is Cargo's output for the app (its name, the app's); PAGE the app's page in
// DIST (index.html). Each PART=REGEX has the page fetch that part (and the chunks
// it shares with other parts) with the first load when the location's fragment
// matches REGEX: a link straight into it waits for one round trip less. The parts'
// files, by part, go to target/parts/APP.json for scripts/bundle-size.sh.
//
// scripts/minify-glue.mjs then minifies the glue and the loader like every app's.

import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const [input, dist, pageName = 'index.html', ...preloads] = process.argv.slice(2);
if (!input || !dist) {
  console.error('usage: node scripts/split-wasm.mjs WASM DIST [PAGE] [PART=FRAGMENT-REGEX ...]');
  process.exit(2);
}
const APP = path.basename(input, '.wasm');

const fail = (message) => {
  console.error(`split-wasm: error: ${message}`);
  process.exit(1);
};
const run = (tool, args) => {
  try {
    execFileSync(tool, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  } catch (e) {
    fail(`${tool} ${args.join(' ')} failed (${e.message.split('\n')[0]})`);
  }
};
const sri = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
/** Stops the build unless `text` holds `what` exactly once. */
const once = (text, what, where) => {
  const found = text.split(what).length - 1;
  if (found !== 1) fail(`expected "${what}" once in ${where}, found it ${found} times`);
};
/** `text` with `from` replaced exactly once, or the build stops. */
const replaceOnce = (text, from, to, where) => {
  once(text, from, where);
  return text.replace(from, () => to);
};

const wasm = await readFile(input);
const base = `${APP}-${createHash('sha256').update(wasm).digest('hex').slice(0, 16)}`;
const work = await mkdtemp(path.join(os.tmpdir(), 'split-wasm-'));
try {
  run('wasm-split-cli', [input, work, '--out-name', base]);
  // split_<part>.wasm for each part, chunk_<n>.wasm for code that some share.
  const parts = (await readdir(work)).filter((f) => /^(split|chunk)_.+\.wasm$/.test(f));
  if (parts.length === 0) fail(`${input} has no split point: was it built with --cfg aftersales_split?`);

  const bindgen = path.join(work, 'bindgen');
  run('wasm-bindgen', ['--target', 'web', '--keep-lld-exports', '--no-demangle', '--out-dir', bindgen, '--out-name', base, path.join(work, `${base}.wasm`)]);
  if ((await readdir(bindgen)).includes('snippets')) fail('the glue has JS snippets, which this script does not copy');

  // The same optimisation as Trunk's for every app (index.html's data-wasm-opt).
  const html = path.join(dist, pageName);
  let page = await readFile(html, 'utf8');
  const params = /data-wasm-opt-params="([^"]*)"/.exec(await readFile('index.html', 'utf8'));
  const opt = ['-Oz', ...(params ? params[1].split(/\s+/).filter(Boolean) : []), '--enable-bulk-memory', '--enable-nontrapping-float-to-int'];
  const optimise = (from, to) => run('wasm-opt', [...opt, from, '-o', path.join(dist, to)]);

  // Trunk's files for the app, replaced.
  const old = (await readdir(dist)).filter((f) => new RegExp(`^${APP}-[0-9a-f]{1,16}(_bg\\.wasm|\\.js)$`).test(f));
  const oldJs = old.find((f) => f.endsWith('.js'));
  const oldWasm = old.find((f) => f.endsWith('_bg.wasm'));
  if (!oldJs || !oldWasm) fail(`no ${APP} JS and WASM from trunk in ${dist}`);
  const oldSri = { js: sri(await readFile(path.join(dist, oldJs))), wasm: sri(await readFile(path.join(dist, oldWasm))) };
  for (const f of old) await rm(path.join(dist, f));

  // The loader: its parts under hashed names, its import of the glue checked.
  let loader = await readFile(path.join(work, '__wasm_split.js'), 'utf8');
  once(loader, `from "./${base}.js"`, 'the loader');
  const named = (part) => `${base}-${part.replace(/^split_/, '')}`;
  // Which files each part needs: its own, and the chunks its loader waits for.
  const needs = {};
  for (const m of loader.matchAll(/export const __wasm_split_load_(\w+) = [\s\S]*?"\.\/(split_\w+\.wasm)"[\s\S]*?\[([^\]]*)\]\)\);/g)) {
    const chunks = m[3].split(',').map((c) => c.trim()).filter(Boolean)
      .map((c) => /^__chunk_(\d+)$/.exec(c) ?? fail(`unexpected loader dependency ${c}`))
      .map((c) => named(`chunk_${c[1]}.wasm`));
    needs[m[1]] = [named(m[2]), ...chunks];
  }
  if (Object.keys(needs).length !== parts.filter((p) => p.startsWith('split_')).length) {
    fail(`could not read every part's files from the loader: ${JSON.stringify(needs)}`);
  }
  for (const part of parts) {
    loader = replaceOnce(loader, `"./${part}"`, `"./${named(part)}"`, 'the loader');
    optimise(path.join(work, part), named(part));
  }
  const loaderName = `${base}-split.js`;
  await writeFile(path.join(dist, loaderName), loader);

  // The glue: the loader is imported under its hashed name (the WASM's import
  // module stays "./__wasm_split.js", the key of the imports object).
  let glue = await readFile(path.join(bindgen, `${base}.js`), 'utf8');
  if (!glue.includes('from "./__wasm_split.js"')) fail('the glue does not import the loader');
  glue = glue.replaceAll('from "./__wasm_split.js"', `from "./${loaderName}"`);
  await writeFile(path.join(dist, `${base}.js`), glue);
  optimise(path.join(bindgen, `${base}_bg.wasm`), `${base}_bg.wasm`);

  // The page: the new names and integrity hashes, and the loader preloaded with
  // the glue (it is on the way to the first page).
  const newSri = { js: sri(glue), wasm: sri(await readFile(path.join(dist, `${base}_bg.wasm`))) };
  page = replaceOnce(page, oldSri.js, newSri.js, pageName);
  page = replaceOnce(page, oldSri.wasm, newSri.wasm, pageName);
  page = page.replaceAll(oldWasm, `${base}_bg.wasm`).replaceAll(oldJs, `${base}.js`);
  const preload = new RegExp(`<link[^>]*href=\\.?/?${base}\\.js[^>]*rel=modulepreload[^>]*>`);
  const link = preload.exec(page);
  if (!link) fail(`no modulepreload of ${base}.js in ${pageName}`);
  // Links straight into a part fetch it with the first load (the loader's
  // fetch() then finds the preload: same URL, same CORS mode), at low priority:
  // the main module is needed first.
  const routes = preloads.map((arg) => {
    const [part, regex] = [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)];
    if (!needs[part]) fail(`no part "${part}" to preload (parts: ${Object.keys(needs).join(', ')})`);
    return [regex, needs[part]];
  });
  const preloadParts = routes.length === 0 ? '' :
    `<script>(function(h){${routes.map(([re, files]) => `/${re.replaceAll('/', '\\/')}/.test(h)&&${JSON.stringify(files)}.forEach(p)`).join(';')};function p(f){document.head.appendChild(Object.assign(document.createElement("link"),{rel:"preload",as:"fetch",crossOrigin:"anonymous",fetchPriority:"low",href:"./"+f}))}})(location.hash)</script>`;
  page = page.replace(link[0], `${link[0]}<link crossorigin href=./${loaderName} integrity=${sri(loader)} rel=modulepreload>${preloadParts}`);
  await writeFile(html, page);

  const manifest = path.join('target', 'parts', `${APP}.json`);
  await mkdir(path.dirname(manifest), { recursive: true });
  await writeFile(manifest, `${JSON.stringify(needs, null, 1)}\n`);
  console.error(`split-wasm: ${base}_bg.wasm ${(await readFile(path.join(dist, `${base}_bg.wasm`))).length} bytes; parts: ${JSON.stringify(needs)}`);
} finally {
  await rm(work, { recursive: true, force: true });
}
