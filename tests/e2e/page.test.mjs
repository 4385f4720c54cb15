// The page as people use it: prefill, theme, masking, copy, confirmation, embedding,
// keyboard-only use, accessibility (axe-core) and narrow screens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { withReleasePage, screenshotPath, ROOT } from './support/browser.mjs';
import { CheckerPage } from './support/checker-page.mjs';

const PAT = 'dapi0123456789abcdef0123456789abcdef';
const AZURE = 'https://adb-1234567890123456.7.azuredatabricks.net';
const setup = withReleasePage();

async function open(query = '', options = {}) {
  const context = await setup.browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const checker = new CheckerPage(await context.newPage(), setup.server.url);
  await checker.open(query);
  return { context, checker };
}

test('prefill and theme come from the address; a secret there is ignored', async () => {
  const { context, checker } = await open(
    `?host=${encodeURIComponent(AZURE)}&conn_id=dbx_prod&method=sp_oauth&theme=dark&token=${PAT}`,
  );
  const page = checker.page;
  assert.equal(await checker.workspaceUrl.inputValue(), AZURE);
  assert.equal(await checker.connId.inputValue(), 'dbx_prod');
  assert.equal(await checker.authMethod.inputValue(), 'sp_oauth');
  assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
  assert.equal(await checker.secret.inputValue(), '');
  assert.match(await page.locator('main').innerText(), /carried a secret, which was ignored/);
  assert.ok(!(await page.content()).includes(PAT), 'the secret from the address reached the page');
  await context.close();
});

test('each method shows only the fields it needs', async () => {
  const { context, checker } = await open();
  const expected = {
    pat: ['#secret'],
    pat_basic: ['#secret'],
    sp_oauth: ['#login', '#secret'],
    azure_sp: ['#login', '#secret', '#azure-tenant-id', '#azure-resource-id'],
    azure_mi: ['#azure-mi-client-id', '#azure-resource-id'],
    azure_default: [],
    basic: ['#login', '#secret'],
  };
  const all = ['#login', '#secret', '#azure-tenant-id', '#azure-resource-id', '#azure-mi-client-id'];
  for (const [method, shown] of Object.entries(expected)) {
    await checker.authMethod.selectOption(method);
    for (const id of all) {
      assert.equal(await checker.page.locator(id).count(), shown.includes(id) ? 1 : 0, `${method}: ${id}`);
    }
  }
  await context.close();
});

test('the secret stays masked on screen until revealed, and copy buttons copy the real value', async () => {
  const { context, checker } = await open('', { permissions: ['clipboard-read', 'clipboard-write'] });
  const page = checker.page;
  await checker.workspaceUrl.fill(AZURE);
  await checker.secret.fill(PAT);
  assert.equal(await checker.secret.getAttribute('type'), 'password');
  await page.locator('#tab-env_variable').click();
  const env = page.locator('pre[data-output="env"]');
  assert.ok(!(await env.innerText()).includes(PAT));
  assert.match(await env.innerText(), /••••••••/);
  await page.getByRole('button', { name: 'Copy export (URI)' }).click();
  await page.getByRole('button', { name: 'Copy export (URI)' }).filter({ hasText: 'Copied' }).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(copied, /^export AIRFLOW_CONN_DATABRICKS_DEFAULT='?databricks:\/\//);
  assert.ok(copied.includes(PAT), 'the clipboard holds the real token');
  await page.getByRole('button', { name: 'Show' }).click();
  assert.equal(await checker.secret.getAttribute('type'), 'text');
  assert.ok((await env.innerText()).includes(PAT));
  await context.close();
});

test('the airflow connections add commands ask for the secret instead of holding it', async () => {
  const { context, checker } = await open('', { permissions: ['clipboard-read', 'clipboard-write'] });
  const page = checker.page;
  await checker.workspaceUrl.fill(AZURE);
  await checker.secret.fill(PAT);
  await page.getByRole('button', { name: 'Show' }).click();
  await page.locator('#tab-cli').click();
  for (const key of ['cli', 'cli_json']) {
    const text = await page.locator(`pre[data-output="${key}"]`).innerText();
    assert.ok(!text.includes(PAT), `${key} holds the secret`);
    assert.match(text, /IFS= read -rs DBX_PASSWORD/);
    assert.match(text, /airflow connections add/);
  }
  await context.close();
});

test('each secrets-store tab shows the name, the settings and a command without the secret', async () => {
  const { context, checker } = await open();
  const page = checker.page;
  await checker.workspaceUrl.fill(AZURE);
  await checker.secret.fill(PAT);
  const stores = {
    aws_secrets_manager: 'airflow/connections/databricks_default',
    gcp_secret_manager: 'airflow-connections-databricks_default',
    azure_key_vault: 'airflow-connections-databricks-default',
    vault: 'secret/connections/databricks_default',
  };
  const text = (key) => page.locator(`pre[data-output="${key}"]`).innerText();
  for (const [store, name] of Object.entries(stores)) {
    await page.locator(`#tab-${store}`).click();
    assert.equal(await text(`${store}.name`), name);
    assert.match(await text(`${store}.settings`), /^backend = airflow\.providers\./m);
    assert.match(await text(`${store}.settings`), /^backend_kwargs = \{/m);
    const command = await text(`${store}.command`);
    assert.match(command, /IFS= read -rs DBX_PASSWORD/);
    assert.ok(!command.includes(PAT), `${store}.command holds the secret`);
  }
  await page.locator('#tab-kubernetes').click();
  assert.equal(await text('kubernetes.name'), 'AIRFLOW_CONN_DATABRICKS_DEFAULT');
  assert.ok(!(await text('kubernetes.command')).includes(PAT));
  const manifest = await text('kubernetes.manifest');
  assert.match(manifest, /kind: Secret/);
  assert.ok(!manifest.includes(PAT), 'the manifest shows the secret before it is revealed');
  assert.match(manifest, /••••••••/);
  await page.locator('#tab-helm').click();
  assert.match(await text('helm.command'), /helm upgrade airflow/);
  await context.close();
});

test('the whole flow works with the keyboard alone', async () => {
  const { context, checker } = await open();
  const page = checker.page;
  const focusOn = async (selector) => {
    for (let i = 0; i < 40; i += 1) {
      if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
      await page.keyboard.press('Tab');
    }
    assert.fail(`Tab never reached ${selector}`);
  };
  await focusOn('#workspace-url');
  await page.keyboard.type(AZURE);
  await focusOn('#auth-method');
  await page.keyboard.press('ArrowDown'); // pat -> pat_basic
  assert.equal(await checker.authMethod.inputValue(), 'pat_basic');
  await focusOn('#secret');
  await page.keyboard.type(PAT);
  await focusOn('#test-connection');
  assert.ok(await page.locator('#test-connection').isEnabled());
  await focusOn('#tab-ui_fields');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.locator('#tab-env_variable').getAttribute('aria-selected'), 'true');
  assert.ok(await page.evaluate(() => document.activeElement?.id === 'tab-env_variable'));
  await context.close();
});

test('axe-core finds no violations in light and dark, empty and filled', async () => {
  for (const scheme of ['light', 'dark']) {
    // The page's CSP rightly refuses injected scripts; axe is the test's, not the page's.
    const { context, checker } = await open('', { colorScheme: scheme, bypassCSP: true });
    const page = checker.page;
    for (const filled of [false, true]) {
      if (filled) {
        await checker.workspaceUrl.fill(`${AZURE}/?o=1234567890123456`);
        await checker.secret.fill(`${PAT} `);
        await page.locator('#what-leaves summary').click();
      }
      await page.addScriptTag({ path: path.join(ROOT, 'node_modules/axe-core/axe.min.js') });
      const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
      const summary = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      assert.deepEqual(summary, [], `${scheme}, ${filled ? 'filled' : 'empty'}`);
    }
    await context.close();
  }
});

test('at 360 px nothing overflows sideways', async () => {
  const { context, checker } = await open('', { viewport: { width: 360, height: 800 } });
  await checker.workspaceUrl.fill(`${AZURE}/?o=1234567890123456#notebook/1`);
  await checker.secret.fill(PAT);
  const width = await checker.page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `page is ${width} px wide`);
  await checker.page.screenshot({ path: screenshotPath('page-360'), fullPage: true });
  await context.close();
});

test('embedded: the frame is sized from the height message and follows the docs theme', async () => {
  const context = await setup.browser.newContext({ viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  const heights = [];
  await page.exposeFunction('recordHeight', (h) => heights.push(h));
  await page.setContent(`<!doctype html><html data-theme="light"><body>
    <h1>Docs</h1>
    <iframe data-dbx-check src="${setup.server.url}?embed=1" title="dbx-check" allow="clipboard-write"
      style="width:100%;height:300px;border:0"></iframe>
    <script>addEventListener('message', (e) => { if (e.data?.type === 'dbx-check:height') recordHeight(e.data.height); });</script>
  </body></html>`);
  await page.addScriptTag({ path: path.join(ROOT, 'embed/dbx-check-embed.js') });
  const frame = page.frameLocator('iframe[data-dbx-check]');
  await frame.locator('#workspace-url').waitFor();
  await page.waitForFunction(() => parseInt(document.querySelector('iframe').style.height, 10) > 300);
  assert.ok(heights.length > 0 && heights.every((h) => typeof h === 'number' && h > 0));
  assert.equal(await frame.locator('header').count(), 0, 'embed mode drops the page header');
  await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'dark'));
  await frame.locator('html[data-theme="dark"]').waitFor();
  await page.screenshot({ path: screenshotPath('embedded-docs'), fullPage: true });
  await context.close();
});
