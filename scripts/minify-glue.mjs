#!/usr/bin/env node
// Minifies the apps' wasm-bindgen JS glue in DIR (dist/aftersales-*.js) with terser,
// and updates the Subresource Integrity hashes the pages carry for them.
//
//   node scripts/minify-glue.mjs [DIR]     DIR defaults to dist
//
// Trunk's own minifier gives up on this glue (it warns "Failed to minify JS" and
// ships it as is: 45 KB raw for the self-check); terser takes the self-check's
// glue from about 6.9 to 5.3 KB brotli, all of it first load. Names of properties
// (the `wbg` imports the WASM calls) are never mangled. terser comes with the
// node packages of tests/e2e (scripts/setup-tools.sh installs them).

import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { minify } = createRequire(path.join(ROOT, 'tests/e2e/package.json'))('terser');
const dir = path.resolve(process.argv[2] ?? path.join(ROOT, 'dist'));

const sri = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;

const names = await readdir(dir);
const glue = names.filter((n) => /^aftersales-.*\.js$/.test(n));
if (glue.length === 0) {
  console.error(`minify-glue: no aftersales-*.js in ${dir}`);
  process.exit(1);
}
const pages = names.filter((n) => n.endsWith('.html'));
const html = new Map();
for (const p of pages) html.set(p, await readFile(path.join(dir, p), 'utf8'));

for (const name of glue) {
  const file = path.join(dir, name);
  const source = await readFile(file, 'utf8');
  const { code } = await minify(source, { module: true, compress: { passes: 2 }, mangle: true });
  if (!code) throw new Error(`minify-glue: terser gave nothing for ${name}`);
  await writeFile(file, code);
  const [before, after] = [sri(source), sri(code)];
  for (const [p, text] of html) html.set(p, text.replaceAll(before, after));
  console.error(`minify-glue: ${name} ${source.length} -> ${code.length} bytes`);
}
for (const [p, text] of html) await writeFile(path.join(dir, p), text);
