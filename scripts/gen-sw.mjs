#!/usr/bin/env node
// Writes the portal's service worker, DIR/sw.js, from the template public/sw.js:
// its precache list is every file of DIR (the app shell: index.html, requests.html,
// the hashed JS/WASM/CSS of both apps, policy.json, store.json if there, manifest,
// icons) and its build id is
// a hash of their names and bytes, so every build that changes a byte gets a new
// cache and the old one is dropped on activate.
//
//   node scripts/gen-sw.mjs [DIR]     DIR defaults to $TRUNK_STAGING_DIR, then dist
//
// Trunk runs it after every build (Trunk.toml, [[hooks]] stage "post_build", on the
// staging directory), so `trunk build` and `trunk serve` both get a matching sw.js.

import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TEMPLATE = path.join(ROOT, 'public', 'sw.js');
const MARKER = /^const BUILD = \{ id: 'dev', files: \[\], kiosk: \[\] \};.*$/m;
const OUTPUT = 'sw.js';
// The embedding scripts are for a store's page and for the portal inside its frame,
// where no service worker runs: never part of the offline shell.
const NOT_SHELL = new Set([OUTPUT, 'embed.js', 'embed-frame.js']);
// The kiosk app (docs/kiosk.md) is precached only by a kiosk's worker (sw.js?kiosk=1):
// phones never download it.
const isKiosk = (f) => f === 'kiosk.js' || f === 'kiosk.css' || f.startsWith('aftersales-kiosk-');

// The staff console (staff.html, docs/staff.md) is the store's, never a customer's:
// no worker precaches it.
const isStaff = (f) => f === 'staff.html' || f.startsWith('aftersales-staff-') || /^staff-[0-9a-f]+\.css$/.test(f);

const dir = path.resolve(process.argv[2] ?? process.env.TRUNK_STAGING_DIR ?? path.join(ROOT, 'dist'));

/** Every file under `d` as a path relative to `dir` with '/' separators, sorted. */
async function files(d) {
  const out = [];
  for (const entry of await readdir(d, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue; // e.g. Trunk's dist/.stage
    const full = path.join(d, entry.name);
    if (entry.isDirectory()) out.push(...(await files(full)));
    else if (entry.isFile()) out.push(path.relative(dir, full).split(path.sep).join('/'));
  }
  return out.sort();
}

const all = (await files(dir)).filter((f) => !NOT_SHELL.has(f) && !isStaff(f));
const shell = all.filter((f) => !isKiosk(f));
const kiosk = all.filter(isKiosk);
if (!shell.includes('index.html')) {
  console.error(`gen-sw: no index.html in ${dir}`);
  process.exit(1);
}
const hash = createHash('sha256');
for (const f of all) {
  hash.update(f).update('\0').update(await readFile(path.join(dir, f))).update('\0');
}
const id = hash.digest('hex').slice(0, 16);

const template = await readFile(TEMPLATE, 'utf8');
if (!MARKER.test(template)) {
  console.error(`gen-sw: ${TEMPLATE} lost its "const BUILD = { id: 'dev', files: [], kiosk: [] };" line`);
  process.exit(1);
}
const build = `const BUILD = ${JSON.stringify({ id, files: shell, kiosk })};`;
// Whole-line comments and blank lines are the template's documentation; the
// shipped worker leaves them out (it counts towards the first-load budget).
const shipped = template
  .replace(MARKER, () => build)
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.trim().startsWith('//') && !/^\s*(\/\*\*?|\*)/.test(line))
  .join('\n');
await writeFile(path.join(dir, OUTPUT), `${shipped}\n`);
console.error(`gen-sw: ${OUTPUT} build ${id}, ${shell.length} files precached: ${shell.join(', ')}; a kiosk's also: ${kiosk.join(', ') || 'none'}`);
