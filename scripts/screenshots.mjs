// Screenshots to look at, as a person would: 360 px and 1280 px, light and dark, empty and
// filled, and the page framed in a plain documentation page. Writes artifacts/screenshots/.
import path from 'node:path';
import { launchBrowser, serveRelease, screenshotPath, ROOT } from '../tests/e2e/support/browser.mjs';

const server = await serveRelease();
const browser = await launchBrowser();
try {
  for (const width of [360, 1280]) {
    for (const scheme of ['light', 'dark']) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
      const page = await context.newPage();
      await page.goto(server.url);
      await page.locator('#workspace-url').waitFor();
      await page.screenshot({ path: screenshotPath(`empty-${width}-${scheme}`), fullPage: true });
      await page.locator('#workspace-url').fill('https://adb-1234567890123456.7.azuredatabricks.net/?o=1234567890123456#notebook/9');
      await page.locator('#secret').fill('dapi0123456789abcdef0123456789abcdef ');
      await page.locator('#what-leaves summary').click();
      await page.screenshot({ path: screenshotPath(`filled-${width}-${scheme}`), fullPage: true });
      await context.close();
    }
  }
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  await page.setContent(`<!doctype html><html data-theme="dark"><body style="font-family:serif;max-width:60rem;margin:auto;background:#1b1b1d;color:#eee">
    <h1>Connecting Airflow to Databricks</h1><p>Check your values here before you add the connection:</p>
    <iframe data-dbx-check src="${server.url}?embed=1" title="dbx-check" allow="clipboard-write" style="width:100%;height:400px;border:1px solid #444"></iframe>
    <p>Then continue with the next section.</p></body></html>`);
  await page.addScriptTag({ path: path.join(ROOT, 'embed/dbx-check-embed.js') });
  await page.frameLocator('iframe').locator('html[data-theme="dark"]').waitFor();
  await page.waitForFunction(() => parseInt(document.querySelector('iframe').style.height, 10) > 400);
  await page.screenshot({ path: screenshotPath('docs-iframe-dark'), fullPage: true });
  await context.close();
  console.log('screenshots in artifacts/screenshots/');
} finally {
  await browser.close();
  await server.close();
}
