// Store sites for the embedding tests: real HTTP servers on a second (and third)
// origin, `http://localhost:PORT`, while the portal is at `http://127.0.0.1:PORT`:
// a different site, as a store's domain is. And the server's own demo shop.

import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { SERVER_BIN } from './backend.mjs';

/** A site on `http://localhost:PORT` serving the pages given by path. */
export class HostSite {
  static async started() {
    const site = new HostSite();
    site.pages = new Map();
    site.server = http.createServer((req, res) => {
      const path = new URL(req.url, 'http://x').pathname;
      if (path === '/favicon.ico') return res.writeHead(204).end();
      const page = site.pages.get(path);
      res.writeHead(page ? 200 : 404, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(page ?? 'not found');
    });
    await new Promise((resolve) => site.server.listen(0, '127.0.0.1', resolve));
    site.origin = `http://localhost:${site.server.address().port}`;
    // The same server by the portal's host name: another origin of the portal's
    // site, where the browser does not treat the portal's frame as third-party.
    site.sameSiteOrigin = `http://127.0.0.1:${site.server.address().port}`;
    return site;
  }

  /** Serves `html` at `path`; returns its URL (`sameSite`: on the portal's site). */
  page(path, html, { sameSite = false } = {}) {
    this.pages.set(path, html);
    return (sameSite ? this.sameSiteOrigin : this.origin) + path;
  }

  async stop() {
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/**
 * A store's page with the documented two lines: `attrs` on the element, `css` in
 * the page (hostile rules test the isolation), `body` more markup.
 */
export function storePage(portalBase, { attrs = 'lang="zh-CN"', css = '', body = '' } = {}) {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>A store</title>
<style>body{margin:0;padding:0 8px}${css}</style>
<script src="${portalBase}embed.js" async></script>
</head><body><header><h1>A store</h1></header><main>
<aftersales-portal ${attrs}></aftersales-portal>
${body}</main><footer><p>The store's footer</p></footer></body></html>`;
}

/** A port nobody listens on now (the OS picks it). */
export async function freePort() {
  const probe = net.createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** `aftersales-server demo-shop` (what scripts/run.sh starts) for the portal at `portalBase`. */
export async function startDemoShop(portalBase) {
  const port = await freePort();
  const child = spawn(SERVER_BIN, ['demo-shop', '--shop-port', String(port), '--portal', portalBase], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const origin = `http://localhost:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`${origin}/`);
      if (r.ok) return { origin, stop: () => child.kill('SIGTERM') };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error('the demo shop did not start');
}
