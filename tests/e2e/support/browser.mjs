// Launches Debian's Chromium through playwright-core (never a downloaded browser) with the
// flags this closed network needs, and serves the release build on a loopback port.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';
import { serveDir } from '../../../scripts/serve.mjs';

export { serveDir };

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const SCREENSHOTS = path.join(ROOT, 'artifacts', 'screenshots');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export async function launchBrowser(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}

export async function serveRelease() {
  const dist = path.join(ROOT, 'dist');
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    throw new Error('dist/index.html is missing: run `trunk build --release` (make build) first');
  }
  return serveDir(dist);
}

/// For a test file that needs only the page: serves the release build and launches Chromium
/// before its tests and closes both after them. Read `.browser` and `.server` in the tests.
export function withReleasePage() {
  const shared = {};
  before(async () => {
    shared.server = await serveRelease();
    shared.browser = await launchBrowser();
  });
  after(async () => {
    await shared.browser?.close();
    await shared.server?.close();
  });
  return shared;
}

export function screenshotPath(name) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return path.join(SCREENSHOTS, `${name}.png`);
}

/// The Databricks DNS zones the host analysis knows (crates/core/src/host/zones.rs `ZONES`),
/// read from the source so that a zone added there is mapped here too. A plain pattern
/// match suffices: each zone is written as `zone(".<suffix>", ...)`.
export function databricksZones() {
  const source = fs.readFileSync(path.join(ROOT, 'crates', 'core', 'src', 'host', 'zones.rs'), 'utf8');
  const table = source.slice(source.indexOf('pub const ZONES'));
  const zones = [...table.slice(0, table.indexOf('];')).matchAll(/zone\(\s*"\.([a-z0-9.-]+)"/g)]
    .map((m) => m[1]);
  if (zones.length < 10) throw new Error(`found only ${zones.length} zones in host/zones.rs`);
  return zones;
}

/// Chromium flags that send every Databricks zone to the fake server on `port`, except
/// `unreachableZone`, which goes to a loopback port where nothing listens; `extraHosts`
/// (patterns such as `*.example.org`) also go to the fake. Every other name fails to
/// resolve and only 127.0.0.1 is reached as itself, so nothing leaves the machine.
export function fakeDatabricksArgs({ port, unreachableZone, closedPort, extraHosts = [] }) {
  const rules = [`MAP *.${unreachableZone} 127.0.0.1:${closedPort}`];
  for (const zone of databricksZones()) {
    if (zone !== unreachableZone) rules.push(`MAP *.${zone} 127.0.0.1:${port}`);
  }
  for (const pattern of extraHosts) rules.push(`MAP ${pattern} 127.0.0.1:${port}`);
  rules.push('MAP * ~NOTFOUND', 'EXCLUDE 127.0.0.1');
  return [`--host-resolver-rules=${rules.join(', ')}`, '--ignore-certificate-errors'];
}
