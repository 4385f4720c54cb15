// The release build on a plain static host, as a documentation author uploads it: under a
// sub-path, with nothing at the site root and no relay. The page must start from that
// path with no rebuild, send no request that fails (it finds no relay without asking),
// log no error, and a documentation page on another origin must frame it and size it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser, ROOT, screenshotPath } from './support/browser.mjs';
import { serveStaticHost } from './support/static-host.mjs';

const DIST = path.join(ROOT, 'dist');
let browser;
let host;
let docs;

before(async () => {
  if (!fs.existsSync(path.join(DIST, 'index.html'))) {
    throw new Error('dist/index.html is missing: run `trunk build --release` (make build) first');
  }
  host = await serveStaticHost(DIST);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await host?.close();
  await docs?.close();
});

/// Everything that went wrong while `page` (and its frames) loaded: requests that failed
/// or were answered 4xx/5xx, console errors, uncaught exceptions.
function watchProblems(page) {
  const problems = [];
  page.on('requestfailed', (r) => problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()}: ${r.url()}`);
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => problems.push(`exception: ${err}`));
  return problems;
}

test('the built page names its files relative to itself, under its own CSP and integrity', async () => {
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const addresses = [...html.matchAll(/\b(?:href|src)="([^"]*)"|from '([^']*)'|module_or_path: '([^']*)'/g)]
    .map((m) => m[1] ?? m[2] ?? m[3]);
  assert.ok(addresses.length >= 5, `found only ${addresses}`);
  for (const address of addresses) assert.match(address, /^\.\/[\w.-]+$/, address);
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="[^"]*'sha256-/);
  assert.equal((html.match(/integrity="sha384-/g) ?? []).length, 4, 'icon, style, script and wasm');
  assert.doesNotMatch(html, /dbx-check-relay/, 'the build itself carries no relay mark');
});

for (const address of ['', 'index.html', '?embed=1']) {
  test(`served from a sub-path, /tools/dbx-check/${address} starts with no failed request and no error`, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = watchProblems(page);
    const askedBefore = host.asked.length;
    await page.goto(host.url + address);
    await page.locator('#workspace-url').waitFor({ state: 'visible' });
    // A late probe would come after the app started: wait for the network to settle.
    await page.waitForLoadState('networkidle');
    assert.deepEqual(problems, []);
    const asked = host.asked.slice(askedBefore);
    assert.ok(asked.some((p) => p.endsWith('_bg.wasm')), `${asked}`);
    assert.deepEqual(asked.filter((p) => !p.startsWith('/tools/dbx-check/')), []);
    // No relay here, so none is offered.
    assert.equal(await page.locator('#check-via-relay').count(), 0);
    if (address === '') await page.screenshot({ path: screenshotPath('static-host-subpath'), fullPage: true });
    await context.close();
  });
}

test('the folder address without its slash is redirected, and the page starts', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(host.url.slice(0, -1));
  await page.locator('#workspace-url').waitFor({ state: 'visible' });
  assert.equal(page.url(), host.url);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a documentation page on another origin frames it from the sub-path, and the frame sizes itself', async () => {
  const frameUrl = `${host.url}?embed=1&conn_id=databricks_docs`;
  docs = await serveStaticHost(path.join(ROOT, 'embed'), {
    prefix: '/unused/',
    files: {
      '/guide/airflow/': `<!doctype html><html data-theme="light"><head><title>Docs</title><link rel="icon" href="data:,"></head><body>
        <h1>Connect Airflow to Databricks</h1>
        <iframe data-dbx-check src="${frameUrl}" title="Check your Databricks connection for Airflow"
          allow="clipboard-write" style="width: 100%; height: 300px; border: 0"></iframe>
        <script src="${host.url}dbx-check-embed.js" defer></script>
      </body></html>`,
    },
  });
  assert.notEqual(new URL(docs.origin).origin, new URL(host.url).origin);
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(`${docs.origin}/guide/airflow/`);
  const frame = page.frameLocator('iframe[data-dbx-check]');
  await frame.locator('#workspace-url').waitFor({ state: 'visible' });
  assert.equal(await frame.locator('#conn-id').inputValue(), 'databricks_docs');
  await page.waitForFunction(() => parseInt(document.querySelector('iframe').style.height, 10) > 300);
  await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'dark'));
  await frame.locator('html[data-theme="dark"]').waitFor({ state: 'attached' });
  await page.waitForLoadState('networkidle');
  assert.deepEqual(problems, []);
  await page.screenshot({ path: screenshotPath('static-host-embedded'), fullPage: true });
  await context.close();
});
