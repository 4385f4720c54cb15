import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withReleasePage, screenshotPath } from './support/browser.mjs';
import { CheckerPage } from './support/checker-page.mjs';

const setup = withReleasePage();

test('the release page renders the three steps with no console error', async () => {
  const context = await setup.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const checker = new CheckerPage(await context.newPage(), setup.server.url);
  await checker.open();

  const headings = await checker.page.locator('section.step h2').allTextContents();
  assert.deepEqual(headings, ['1. Workspace URL', '2. Credential', '3. Result']);
  for (const field of [checker.workspaceUrl, checker.authMethod, checker.secret, checker.connId]) {
    assert.equal(await field.count(), 1);
  }
  assert.equal(await checker.secret.getAttribute('type'), 'password');

  await checker.page.screenshot({ path: screenshotPath('shell-1280'), fullPage: true });
  assert.deepEqual(checker.consoleErrors, []);
  await context.close();
});

test('the page is served as WebAssembly with the right content type', async () => {
  const context = await setup.browser.newContext();
  const page = await context.newPage();
  const wasm = [];
  page.on('response', (r) => {
    if (r.url().endsWith('.wasm')) wasm.push(r.headers()['content-type']);
  });
  await new CheckerPage(page, setup.server.url).open();
  assert.deepEqual(wasm, ['application/wasm']);
  await context.close();
});
