// Time to interactive of a built page in headless Chromium on loopback: from navigation
// start to the first input accepting text, over N cold loads (a fresh context each).
// Prints the median and p90; a figure, never an assertion. `scripts/bench.mjs` imports
// `timeToInteractive` for the page and the floor.
import { fileURLToPath } from 'node:url';
import { launchBrowser, serveDir } from '../tests/e2e/support/browser.mjs';

/// How long one load may take before the run gives up.
const LOAD_TIMEOUT_MS = 10_000;

/// The time to interactive of `loads` cold loads of each page in `dirs`, in ms, one sorted
/// list per page. The pages take turns, load by load, so that a change in the machine's
/// load during the run weighs on each of them alike.
export async function timeToInteractive(dirs, loads) {
  const servers = [];
  let browser;
  const times = dirs.map(() => []);
  try {
    for (const dir of dirs) servers.push(await serveDir(dir));
    browser = await launchBrowser();
    for (let i = 0; i < loads; i += 1) {
      for (const [which, server] of servers.entries()) {
        times[which].push(await coldLoad(browser, server.url));
      }
    }
  } finally {
    await browser?.close();
    for (const server of servers) await server.close();
  }
  return times.map((list) => list.sort((a, b) => a - b));
}

async function coldLoad(browser, url) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    // Measured inside the page, so Playwright's own round trips do not count: the moment
    // the first enabled input is in the DOM (the app has mounted and accepts typing).
    // performance.now() counts from the navigation's start.
    await page.addInitScript(() => {
      new MutationObserver((_, observer) => {
        const input = document.querySelector('input:not([disabled])');
        if (input) {
          window.__interactiveAt = performance.now();
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(url, { timeout: LOAD_TIMEOUT_MS });
    await page.waitForFunction(() => window.__interactiveAt !== undefined, null, { timeout: LOAD_TIMEOUT_MS });
    return await page.evaluate(() => window.__interactiveAt);
  } finally {
    await context.close();
  }
}

/// The value below which a share `q` of the sorted `times` lie (nearest rank).
export function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/// The median of sorted `times` (the mean of the two middle ones for an even count).
export function median(sorted) {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? 'dist';
  const loads = Number(process.argv[3] ?? 10);
  const [times] = await timeToInteractive([dir], loads);
  console.log(`time to interactive (${dir}, ${loads} cold loads): median ${median(times).toFixed(0)} ms, p90 ${quantile(times, 0.9).toFixed(0)} ms`);
}
