// Time to interactive of the release page in headless Chromium on loopback: from
// navigation start to the first input accepting text, over N cold loads (fresh context
// each). Prints the median and p90; a figure, never an assertion.
import { launchBrowser, serveDir } from '../tests/e2e/support/browser.mjs';

const dir = process.argv[2] ?? 'dist';
const loads = Number(process.argv[3] ?? 10);
const server = await serveDir(dir);
const browser = await launchBrowser();
const times = [];
try {
  for (let i = 0; i < loads; i += 1) {
    const context = await browser.newContext();
    const page = await context.newPage();
    // Measured inside the page, so Playwright's own round trips do not count: the moment
    // the first enabled input is in the DOM (the app has mounted and accepts typing).
    await page.addInitScript(() => {
      new MutationObserver((_, observer) => {
        const input = document.querySelector('input:not([disabled])');
        if (input) {
          window.__interactiveAt = performance.now();
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(server.url);
    await page.waitForFunction(() => window.__interactiveAt !== undefined, null, { timeout: 10_000 });
    times.push(await page.evaluate(() => window.__interactiveAt));
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
times.sort((a, b) => a - b);
const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
console.log(`time to interactive (${dir}, ${loads} cold loads): median ${at(0.5).toFixed(0)} ms, p90 ${at(0.9).toFixed(0)} ms`);
