// The real server for every browser test and the outbox soak: dist/ and the API on a
// fresh SQLite file (with the demo orders), stoppable and restartable on the same
// port, its rows counted with sqlite3, a staff session for moving requests.
//
// Env: AFTERSALES_SERVER (default $CARGO_TARGET_DIR/debug/aftersales-server, else
// target/debug/aftersales-server), PORTAL_DIST (default dist/).

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '../../..');
export const DIST = path.resolve(process.env.PORTAL_DIST ?? path.join(ROOT, 'dist'));
// run.sh builds it with cargo from the repository root (CARGO_TARGET_DIR is relative to it).
export const SERVER_BIN = path.resolve(
  process.env.AFTERSALES_SERVER ?? path.resolve(ROOT, process.env.CARGO_TARGET_DIR ?? 'target', 'debug/aftersales-server'),
);
const STAFF = { username: 'e2e-staff', password: 'correct horse battery staple' };

/**
 * The real server on a fresh SQLite file. It can be stopped and started again on
 * the same port with the same database (the page keeps its origin).
 */
export class Backend {
  /** `args`: more `serve` flags (`--allowed-origins …`). */
  static async create({ args = [] } = {}) {
    const b = new Backend();
    b.args = args;
    b.dir = await mkdtemp(path.join(os.tmpdir(), 'aftersales-requests-e2e-'));
    b.db = path.join(b.dir, 'e2e.db');
    b.port = 0;
    b.child = null;
    return b;
  }

  /** A new server, started (its `base` is the portal's address). */
  static async started(options) {
    const b = await Backend.create(options);
    await b.start();
    return b;
  }

  get url() {
    return `sqlite://${this.db}`;
  }

  async start() {
    const child = spawn(
      SERVER_BIN,
      [
        'serve',
        '--static-dir', DIST,
        '--policy', path.join(ROOT, 'public/policy.json'),
        '--database-url', this.url,
        '--port', String(this.port),
        '--store-name', '示例家居',
        // The tracking page refreshes on every focus: no 429s in a test run.
        '--lookup-rate-per-minute', '10000',
        '--log-format', 'json',
        ...this.args,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: 'info' } },
    );
    this.child = child;
    this.statuses ??= {};
    // Counts the answers to filings by status (201 new, 200 the same again).
    for (const stream of [child.stdout, child.stderr]) {
      let pending = '';
      stream.on('data', (chunk) => {
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop();
        for (const line of lines) {
          if (!line.includes('"route":"/api/requests"')) continue;
          const status = line.match(/"status":(\d+)/)?.[1];
          if (status) this.statuses[status] = (this.statuses[status] ?? 0) + 1;
        }
      });
    }
    const addr = await new Promise((resolve, reject) => {
      let seen = '';
      const onData = (chunk) => {
        seen += chunk;
        const m = seen.match(/"addr":"([^"]+)"/);
        if (m) {
          child.stdout.off('data', onData);
          child.stderr.off('data', onData);
          resolve(m[1]);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${seen}`)));
      setTimeout(() => reject(new Error(`server did not start: ${seen}`)), 30_000);
    });
    this.port = Number(addr.split(':').pop());
    this.base = `http://${addr}/`;
    return this.base;
  }

  async stop() {
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }

  async destroy() {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Rows of the server's database (sqlite3 -json). */
  query(sql) {
    const out = execFileSync('sqlite3', ['-json', this.db, sql], { encoding: 'utf8' }).trim();
    return out ? JSON.parse(out) : [];
  }

  /** How many requests the server holds. */
  count() {
    return this.query('SELECT COUNT(*) AS n FROM requests')[0].n;
  }

  /** Every filed request: id, type, status, attachments, contact. */
  requests() {
    return this.query('SELECT id, request_type, status, attachment_count, contact, filed_at FROM requests ORDER BY received_at');
  }

  /** Adds a staff account (`roles`: comma-separated role ids) with `password`. */
  addStaff(username, roles, password = STAFF.password) {
    execFileSync(SERVER_BIN, ['add-staff', username, '--role', roles], {
      input: `${password}\n`,
      env: { ...process.env, DATABASE_URL: this.url },
      stdio: ['pipe', 'ignore', 'inherit'],
    });
  }

  /** A staff session (created on first use) for moving requests along: an
   * account holding every step's role (the roles themselves are tested by the
   * server's tests). */
  async staffToken() {
    if (!this.token) {
      this.addStaff(STAFF.username, 'front_desk,service_centre,technician,store_manager,operations_head,general_manager,finance');
      const r = await fetch(`${this.base}api/staff/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(STAFF),
      });
      const text = await r.text();
      assert.equal(r.status, 200, text);
      this.token = JSON.parse(text).token;
    }
    return this.token;
  }

  /** Moves a request as the store's staff would (`to`: a step, `closed`, `rejected`). */
  async transition(id, to, note) {
    const r = await fetch(`${this.base}api/staff/requests/${id}/transition`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await this.staffToken()}` },
      body: JSON.stringify({ to, note }),
    });
    const text = await r.text();
    assert.equal(r.status, 200, text);
    return JSON.parse(text);
  }
}
