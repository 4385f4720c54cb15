// The release page served by the relay (as `make run` serves it) in Chromium, with the
// fake workspace behind the relay: the page loads under the relay's security headers,
// finds the relay by the mark the relay adds to it, and a same-origin call through it reaches a
// workspace that refuses browsers (nocors-).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { launchBrowser, ROOT, screenshotPath } from './support/browser.mjs';
import { CheckerPage } from './support/checker-page.mjs';

const TARGET = process.env.CARGO_TARGET_DIR ?? path.join(ROOT, 'target');
// fake-databricks' test personal access token (crates/fake-databricks/src/scenario.rs).
const TEST_PAT = 'dapi7e57c0de7e57c0de7e57c0de7e57c0de';

let browser;
const children = [];
let relayUrl;
let certFile;

// Starts a binary and resolves with the first stdout line that matches `pattern`.
function startAndWaitFor(bin, args, pattern) {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${bin} did not start within 30 s`)), 30_000);
    const lines = readline.createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const m = line.match(pattern);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.once('exit', (code) => reject(new Error(`${bin} exited with ${code}`)));
  });
}

before(async () => {
  const dist = path.join(ROOT, 'dist');
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    throw new Error('dist/index.html is missing: run `trunk build --release` (make build) first');
  }
  // Debug builds: the native tests have already built both.
  execFileSync('cargo', ['build', '--locked', '-q', '-p', 'dbx-check-relay', '-p', 'fake-databricks'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  certFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dbx-relay-e2e-')), 'fake.pem');
  const [, fakePort] = await startAndWaitFor(
    path.join(TARGET, 'debug', 'fake-databricks'),
    ['--port', '0', '--cert-out', certFile],
    /^listening on https:\/\/127\.0\.0\.1:(\d+)/,
  );
  [, relayUrl] = await startAndWaitFor(
    path.join(TARGET, 'debug', 'dbx-check-relay'),
    [
      '--dist', dist, '--port', '0', '--quiet',
      '--extra-root-cert', certFile,
      '--resolve', `*.cloud.databricks.com=127.0.0.1:${fakePort}`,
      // A team's custom workspace domain, allowed by name.
      '--allow-host', 'ok-custom.example.org',
      '--resolve', `ok-custom.example.org=127.0.0.1:${fakePort}`,
    ],
    /^dbx-check relay on (http:\/\/127\.0\.0\.1:\d+)/,
  );
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  for (const child of children) child.kill();
  if (certFile) fs.rmSync(path.dirname(certFile), { recursive: true, force: true });
});

test('the relay serves the page, which starts under its security headers', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const checker = new CheckerPage(page, relayUrl + '/');
  const paths = [];
  page.on('request', (r) => paths.push(new URL(r.url()).pathname));
  const response = await page.goto(relayUrl + '/');
  const headers = response.headers();
  assert.match(headers['content-security-policy'], /object-src 'none'/);
  assert.equal(headers['x-content-type-options'], 'nosniff');
  await checker.root.waitFor({ state: 'attached' });
  // The relay marks the page it serves; the page reads the mark and asks nothing.
  assert.equal(await page.locator('meta[name="dbx-check-relay"]').getAttribute('content'), 'dbx-check');
  await page.waitForLoadState('networkidle');
  assert.deepEqual(paths.filter((p) => p.startsWith('/relay')), []);
  await page.screenshot({ path: screenshotPath('relay-served-page'), fullPage: true });
  // A Content Security Policy violation shows up as a console error.
  assert.deepEqual(checker.consoleErrors, []);
  await context.close();
});

test('from the page, the relay is found and a check call reaches a CORS-refusing workspace', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(relayUrl + '/');
  const result = await page.evaluate(async (pat) => {
    const health = await (await fetch('/relay/health')).json();
    const r = await fetch('/relay/nocors-1.cloud.databricks.com/api/2.1/clusters/spark-versions', {
      headers: { Accept: 'application/json', Authorization: `Bearer ${pat}` },
      credentials: 'omit',
    });
    return {
      health,
      status: r.status,
      finalUrl: r.headers.get('x-dbx-check-final-url'),
      versions: (await r.json()).versions?.length,
    };
  }, TEST_PAT);
  assert.equal(result.health.relay, 'dbx-check');
  assert.equal(result.status, 200);
  assert.equal(result.finalUrl, 'https://nocors-1.cloud.databricks.com/api/2.1/clusters/spark-versions');
  assert.equal(result.versions, 3);
  await context.close();
});

test('the page served by the relay completes a check through it, for a workspace that refuses browsers', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const sent = [];
  page.on('request', (r) => sent.push(new URL(r.url()).host));
  const checker = new CheckerPage(page, relayUrl + '/');
  await checker.open();
  await checker.workspaceUrl.fill('https://nocors-1.cloud.databricks.com');
  await checker.secret.fill(TEST_PAT);
  // The page found its relay and says the check goes through it.
  await checker.page.locator('#check-status', { hasText: "through this page's relay" }).waitFor();
  await page.locator('#test-connection').click();
  const verdict = page.locator('#check-live [data-verdict]');
  await verdict.waitFor({ timeout: 15_000 });
  assert.equal(await verdict.getAttribute('data-verdict'), 'ok');
  // Through the relay, every request stays on the page's own origin.
  assert.deepEqual([...new Set(sent)], [new URL(relayUrl).host]);
  await context.close();
});

test('through the relay, a custom domain is checked only after the user agrees', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const checker = new CheckerPage(page, relayUrl + '/');
  await checker.open();
  await checker.workspaceUrl.fill('https://ok-custom.example.org');
  await checker.secret.fill(TEST_PAT);
  const button = page.locator('#test-connection');
  await page.locator('#confirm-host').waitFor();
  assert.ok(await button.isDisabled());
  await page.locator('#confirm-host-button').click();
  assert.ok(await button.isEnabled());
  await button.click();
  const verdict = page.locator('#check-live [data-verdict]');
  await verdict.waitFor({ timeout: 15_000 });
  assert.equal(await verdict.getAttribute('data-verdict'), 'ok');
  // Another host asks again.
  await checker.workspaceUrl.fill('https://other.example.org');
  await page.locator('#confirm-host').waitFor();
  assert.ok(await button.isDisabled());
  await context.close();
});
