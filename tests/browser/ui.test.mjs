// Drives the web UI of a real `chokepoint serve` (fresh SQLite store, a three-entry list) in
// Debian's headless Chromium: screen a name → open the case → decide; check a shipment → see the
// citations; verify the audit chain.
//
//   cargo build -p chokepoint && (cd tests/browser && npm ci && npm test)
//
// CHOKEPOINT_BIN overrides the binary (default: target/debug/chokepoint); CHROMIUM the browser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const bin = process.env.CHOKEPOINT_BIN || join(repo, 'target', 'debug', 'chokepoint');
const dir = mkdtempSync(join(tmpdir(), 'chokepoint-ui-'));
const env = { ...process.env, CHOKEPOINT_DATABASE: `sqlite://${join(dir, 'db.sqlite')}`, CHOKEPOINT_STORE: join(dir, 'lists') };
let server, browser, page, base, reviewerToken;

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

async function waitReady(url, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try { const r = await fetch(url); if (r.ok) return; } catch (_) { /* not yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server not ready at ${url}`);
}

before(async () => {
  execFileSync(bin, ['lists', 'load', '--source', 'ofac_sdn', join(here, 'fixtures', 'sdn.csv')], { env, stdio: 'pipe' });
  reviewerToken = execFileSync(bin, ['tokens', 'create', '--role', 'reviewer', '--name', 'browser-test'], { env }).toString().trim();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(bin, ['serve', '--addr', `127.0.0.1:${port}`], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  await waitReady(base + '/readyz', 30000);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage();
  page.on('pageerror', (e) => { throw e; });
  await page.goto(base + '/');
  await page.fill('#token', reviewerToken);
  await page.click('#token-form button');
  await page.waitForSelector('#whoami:has-text("reviewer")');
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

test('screen a name, open the case, decide no match; the allow-list then clears it', async () => {
  await page.click('#tabs button[data-tab=screen]');
  await page.fill('#screen-name', 'Kestrel Photonics Trading');
  await page.fill('#screen-party', 'SUP-77');
  await page.click('#screen-go');
  await page.waitForSelector('#screen-status');
  assert.equal(await page.textContent('#screen-status'), 'review');
  const marked = await page.$$eval('.hit mark', (ms) => ms.map((m) => m.textContent));
  assert.deepEqual(marked, ['KESTREL', 'PHOTONICS']);
  assert.match(await page.textContent('.hit dl.details'), /CMIC-EO13959/);
  await page.click('.hit .open-case');
  await page.waitForSelector('#decide-form');
  assert.match(await page.textContent('#case-card h3'), /Kestrel Photonics Trading ↔ SHENZHEN KESTREL PHOTONICS LIMITED/);
  await page.selectOption('#decision', 'no_match');
  await page.fill('#decision-reason', 'Our supplier is a Dutch optics firm with another registration number');
  await page.click('#decide-go');
  await page.waitForSelector('#case-decision');
  assert.match(await page.textContent('#case-decision'), /no_match by browser-test .* Dutch optics firm/);

  await page.click('#tabs button[data-tab=screen]');
  await page.click('#screen-go');
  await page.waitForFunction(() => document.querySelector('#screen-status')?.textContent === 'clear');
  assert.match(await page.textContent('.hit'), /cleared by case/);
});

test('check a shipment and see the verdict with its citations', async () => {
  await page.click('#tabs button[data-tab=check]');
  await page.fill('#ck-date', '2024-03-01');
  await page.fill('#ck-from', 'US');
  await page.fill('#ck-to', 'CN');
  await page.fill('#ck-catalog', 'nvidia-h100-sxm');
  await page.fill('#ck-origin', 'TW');
  await page.fill('#ck-eu-name', 'Example Cloud');
  await page.fill('#ck-eu-country', 'CN');
  await page.fill('#ck-enduses', 'datacenter');
  await page.click('#check-go');
  await page.waitForSelector('.determination[data-jurisdiction=US]');
  const us = await page.textContent('.determination[data-jurisdiction=US] h3');
  assert.match(us, /licence required/);
  const cites = await page.$$eval('.determination[data-jurisdiction=US] .cite', (cs) => cs.map((c) => c.textContent));
  assert.ok(cites.some((c) => /15 CFR 742\.6/.test(c)), cites.join(' | '));
  assert.match(await page.textContent('.determination[data-jurisdiction=US]'), /3A090/);
  await page.screenshot({ path: join(dir, '..', 'chokepoint-ui-check.png'), fullPage: true });

  // A wrong field in pasted JSON: the message names it.
  await page.fill('#ck-json', '{"ship_from":"US","destination":"CN","item":{"kind":"integrated_circuit","memory_bandwidth":"3 parsecs"}}');
  await page.click('#check-go');
  await page.waitForSelector('#message:not(.hidden)');
  assert.match(await page.textContent('#message'), /422: field `item.memory_bandwidth`/);
  await page.fill('#ck-json', '');
});

test('the audit log lists every action and the chain verifies', async () => {
  // The reviewer token may not read the audit trail; an auditor's may.
  const auditor = execFileSync(bin, ['tokens', 'create', '--role', 'auditor', '--name', 'browser-auditor'], { env }).toString().trim();
  await page.click('#tabs button[data-tab=audit]');
  await page.waitForSelector('#message:not(.hidden)');
  assert.match(await page.textContent('#message'), /403/);
  await page.fill('#token', auditor);
  await page.click('#token-form button');
  await page.waitForSelector('#whoami:has-text("auditor")');
  await page.click('#audit-refresh');
  await page.waitForSelector('#audit-table tbody tr');
  const kinds = await page.$$eval('#audit-table tbody tr td:nth-child(3)', (ts) => ts.map((t) => t.textContent));
  for (const k of ['screen', 'review', 'check']) assert.ok(kinds.includes(k), kinds.join(','));
  await page.click('#audit-verify');
  await page.waitForSelector('#audit-verdict .badge');
  assert.match(await page.textContent('#audit-verdict'), /chain intact: \d+ records/);
});
