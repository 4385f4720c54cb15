// The terminal route end to end: a workspace refuses the browser (CORS), the page shows
// its bash block, real bash and real curl run it against the fake Databricks server with
// the secret typed once, and everything printed is pasted back. The report read from
// the paste must be the one a direct check of the same scenario gives, for every method
// the browser may check and every scenario of the fake. Then bad and partial pastes,
// and screenshots of the flow.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchBrowser, serveRelease, fakeDatabricksArgs, screenshotPath, ROOT } from './support/browser.mjs';
import { CheckerPage } from './support/checker-page.mjs';
import {
  startFakeDatabricks, closedLoopbackPort, ISSUED_ACCESS_TOKEN,
  TEST_PAT, TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_USER, TEST_PASSWORD,
} from './support/fake-databricks.mjs';

/// Longest wait for a verdict: a `ratelimit-` direct check tries 3 times, 1 s then 2 s
/// apart, as Airflow does; the page gives up on a request after 10 s.
const VERDICT_TIMEOUT_MS = 25_000;
/// Longest a pasted report may take to show (the 5 MB paste included).
const PASTE_TIMEOUT_MS = 15_000;
/// Longest the block may run: its curl calls have `--max-time 30` each, but the fake
/// answers at once.
const BLOCK_TIMEOUT_MS = 60_000;
const UNREACHABLE_ZONE = 'databricks.azure.cn';
const STEP = '[dbx-check step: ';

/// The methods a browser may check, with the Login and secret the fake accepts
/// (`pat_basic` has no Login field: the page sends "token").
const METHODS = [
  { method: 'pat', secret: TEST_PAT },
  { method: 'pat_basic', secret: TEST_PAT },
  { method: 'basic', login: TEST_USER, secret: TEST_PASSWORD },
  { method: 'sp_oauth', login: TEST_CLIENT_ID, secret: TEST_CLIENT_SECRET },
];

/// Scenarios of the fake left out here, and why. Every other label of the shared table
/// is covered, so a scenario added to the fake lands here or in the matrix.
const SKIPPED = {
  // Answers like `ok-` after 12 s: the page gives up at 10 s (timeout) while curl waits
  // 30 s (ok), so the two routes rightly disagree; and it would cost minutes.
  slow: 'the browser gives up at 10 s, curl waits 30 s: the routes rightly differ',
  // `nocors-` is `ok-` with CORS refused: every case here is that, as `nocors-ok-N`;
  // no host serves it with CORS allowed for the direct check.
  nocors: 'it is what every case here is (`nocors-ok-N`); no CORS-allowed twin to compare with',
};

/// The scenario labels of the one shared table (`crates/fake-databricks/scenarios.json`,
/// whose rows the fake's own tests hold to `Scenario::ALL`).
function fakeScenarios() {
  const table = JSON.parse(fs.readFileSync(path.join(ROOT, 'crates', 'fake-databricks', 'scenarios.json'), 'utf8'));
  const labels = [...new Set(table.scenarios.map((row) => row.label))];
  if (labels.length < 10) throw new Error(`found only ${labels.length} scenarios in scenarios.json`);
  return labels;
}

/// The workspace with CORS refused, and its twin with CORS allowed for the direct check.
/// `accounts-N` is the account console to the fake; the page takes it for a workspace
/// (only `accounts.` is refused up front), so the check meets the console's answer.
function hosts(label, n) {
  return {
    refused: `https://nocors-${label}-${n}.cloud.databricks.com`,
    direct: `https://${label}-${n}.cloud.databricks.com`,
  };
}

let fake;
let server;
let browser;
let curlHome;
let curlHomeUntrusted;

before(async () => {
  fake = await startFakeDatabricks();
  server = await serveRelease();
  browser = await launchBrowser(fakeDatabricksArgs({
    port: fake.httpsPort,
    unreachableZone: UNREACHABLE_ZONE,
    closedPort: await closedLoopbackPort(),
  }));
  // As a person's own curl settings would: every name to the fake, its certificate
  // trusted. The second one does not trust it, for a real `curl: (60)`.
  curlHome = fs.mkdtempSync(path.join(os.tmpdir(), 'dbx-check-curl-'));
  fs.writeFileSync(path.join(curlHome, '.curlrc'),
    `connect-to = "::127.0.0.1:${fake.httpsPort}"\ncacert = "${fake.certificatePath}"\n`);
  curlHomeUntrusted = fs.mkdtempSync(path.join(os.tmpdir(), 'dbx-check-curl-'));
  fs.writeFileSync(path.join(curlHomeUntrusted, '.curlrc'), `connect-to = "::127.0.0.1:${fake.httpsPort}"\n`);
});

after(async () => {
  await browser?.close();
  await server?.close();
  await fake?.stop();
  for (const dir of [curlHome, curlHomeUntrusted]) {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
});

/// Runs `block` with real bash, `typed` on stdin as one line; returns what a terminal
/// shows (stdout and stderr as they came). Killed after `BLOCK_TIMEOUT_MS`.
function runBlock(block, typed, home) {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, CURL_HOME: home };
    // Nothing on this machine may send curl elsewhere.
    for (const name of Object.keys(env)) {
      if (/^(https?|all|no)_proxy$/i.test(name)) delete env[name];
    }
    const child = spawn('bash', ['-c', block], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let printed = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk) => { printed += chunk; });
    child.stderr.on('data', (chunk) => { printed += chunk; });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the block ran longer than ${BLOCK_TIMEOUT_MS} ms:\n${printed}`));
    }, BLOCK_TIMEOUT_MS);
    child.once('error', (err) => { clearTimeout(timer); reject(err); });
    child.once('close', (code) => { clearTimeout(timer); resolve({ code, printed }); });
    child.stdin.end(`${typed}\n`);
  });
}

async function openChecker(viewport) {
  const context = await browser.newContext(viewport ? { viewport } : {});
  const checker = new CheckerPage(await context.newPage(), server.url);
  await checker.open();
  return { context, checker };
}

/// What a person reads of a report: verdict, identity, warehouses (null when absent).
async function readReport(checker) {
  const text = async (selector) => {
    const el = checker.page.locator(selector);
    return (await el.count()) === 0 ? null : (await el.textContent()).trim();
  };
  return {
    verdict: await checker.liveVerdict.getAttribute('data-verdict', { timeout: 1_000 }),
    identity: await text('#identity'),
    warehouses: await text('#warehouses'),
  };
}

/// A direct check of `workspace` (CORS allowed) in a fresh page: its report.
async function directCheck(workspace, form) {
  const { context, checker } = await openChecker();
  try {
    await checker.fillForm({ ...form, workspace });
    await checker.testConnection();
    await checker.verdict({ timeoutMs: VERDICT_TIMEOUT_MS });
    assert.deepEqual(checker.pageErrors, []);
    return await readReport(checker);
  } finally {
    await context.close();
  }
}

/// The refused flow up to the block: a fresh page, the form, the check refused by the
/// browser, and the bash block exactly as the page shows it. The caller closes `context`.
async function refusedFlow(workspace, form, viewport) {
  const opened = await openChecker(viewport);
  const { checker } = opened;
  await checker.fillForm({ ...form, workspace });
  await checker.testConnection();
  const live = await checker.verdict({ timeoutMs: VERDICT_TIMEOUT_MS });
  assert.equal(live.verdict, 'cors_blocked', `${workspace}: the browser was not refused`);
  const block = await checker.page.locator('#ways-on pre[data-route="bash"]').textContent({ timeout: 2_000 });
  assert.ok(!block.includes(form.secret), 'the block holds the secret');
  return { ...opened, block };
}

/// Runs the block as a person would and checks that nothing secret was printed.
async function runAsPerson(block, secret, home = curlHome) {
  const { printed } = await runBlock(block, secret, home);
  assert.ok(!printed.includes(secret), `the block printed the secret:\n${printed}`);
  assert.ok(!printed.includes(ISSUED_ACCESS_TOKEN), `the block printed the access token:\n${printed}`);
  return printed;
}

/// Pastes `text` and waits for the report read from it.
async function pasteAndRead(checker, text) {
  await checker.pasteAnswer(text);
  // A frame after the input event, so an earlier paste's report is not read.
  await checker.page.evaluate(() => new Promise((done) => requestAnimationFrame(() => done())));
  await checker.page.locator('#report-source').waitFor({ state: 'visible', timeout: PASTE_TIMEOUT_MS });
  return readReport(checker);
}

/// Pastes `text` into the box for real: the clipboard, then Ctrl+V. For the 5 MB paste:
/// Playwright's `fill` types through Chromium's `Input.insertText`, whose time grows with
/// the square of the lines (128 KB: 6 s in a bare textarea here), so 5 MB would not end.
/// Bounded: a narrow box once made this paste take 112 s.
async function pasteFromClipboard(checker, text) {
  await checker.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await checker.page.evaluate((value) => navigator.clipboard.writeText(value), text);
  // Into an empty box: in Chromium, pasting over a selection is some ten times slower.
  await checker.pastedAnswer.fill('');
  await checker.pastedAnswer.focus();
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Ctrl+V took over ${PASTE_TIMEOUT_MS} ms`)), PASTE_TIMEOUT_MS);
  });
  try {
    await Promise.race([checker.page.keyboard.press('Control+V'), late]);
  } finally {
    clearTimeout(timer);
  }
  // A textarea keeps line ends as LF (curl's header lines end in CRLF).
  const expected = text.replace(/\r\n?/g, '\n').length;
  assert.equal(await checker.pastedAnswer.evaluate((box) => box.value.length), expected, 'not all was pasted');
  await checker.page.evaluate(() => new Promise((done) => requestAnimationFrame(() => done())));
  await checker.page.locator('#report-source').waitFor({ state: 'visible', timeout: PASTE_TIMEOUT_MS });
  return readReport(checker);
}

/// The block's output cut at its step markers: [text before the first, ...steps].
function splitSteps(printed) {
  const parts = printed.split(/(?=\n\[dbx-check step: )/);
  assert.ok(parts.length >= 2, `no step in:\n${printed}`);
  return parts;
}

// --- every scenario × every method: the terminal's report is the direct check's ---

const labels = fakeScenarios();
test('every scenario of the fake is covered or skipped with a reason', () => {
  for (const label of Object.keys(SKIPPED)) assert.ok(labels.includes(label), `${label} is not a scenario`);
  console.log(`skipped: ${Object.entries(SKIPPED).map(([l, why]) => `${l} (${why})`).join('; ')}`);
});

let n = 0;
for (const label of labels.filter((l) => !(l in SKIPPED))) {
  for (const form of METHODS) {
    n += 1;
    const { refused, direct } = hosts(label, n);
    test(`${label} × ${form.method}: the pasted block gives the direct check's report`, async () => {
      // The direct check runs beside the terminal route, in its own page: on two cores it
      // mostly waits (a ratelimit- check makes Airflow's 3 tries), which halves the file's time.
      const terminal = (async () => {
        const { context, checker, block } = await refusedFlow(refused, form);
        try {
          const printed = await runAsPerson(block, form.secret);
          const report = await pasteAndRead(checker, printed);
          assert.deepEqual(checker.pageErrors, [], 'the page threw');
          return { report, printed };
        } finally {
          await context.close();
        }
      })();
      const [fromTerminal, fromBrowser] = await Promise.all([terminal, directCheck(direct, form)]);
      assert.deepEqual(fromTerminal.report, fromBrowser,
        `terminal and direct disagree; printed:\n${fromTerminal.printed}`);
    });
  }
}

// --- bad and partial pastes -------------------------------------------------------

test('bad and partial pastes each get a verdict or a clear message', async (t) => {
  const form = METHODS[0];
  const { context, checker, block } = await refusedFlow('https://nocors-ok-90.cloud.databricks.com', form);
  const notes = (code) => checker.page.locator(`#check-notes [data-code=${code}]`);
  const pastedFinding = (code) => checker.page.locator(`#pasted-findings [data-code=${code}]`);
  const host = 'nocors-ok-90.cloud.databricks.com';
  try {
    const printed = await runAsPerson(block, form.secret);
    const whole = await pasteAndRead(checker, printed);
    assert.equal(whole.verdict, 'ok');
    assert.ok(whole.identity && whole.warehouses, 'the whole paste gave no identity or warehouses');
    const [prompt, ...steps] = splitSteps(printed);
    assert.equal(steps.length, 3, 'a PAT check has three steps');

    // What curl prints for a failure, in each step's part, as the block lays it out.
    const failing = (curlError) => prompt + steps.map((part) => {
      const marker = part.trim().split('\n')[0];
      const url = part.match(/\[dbx-check final URL\] (\S+)/)[1];
      return `\n${marker}\n${curlError}\n\n[dbx-check final URL] ${url}\n`;
    }).join('');

    await t.test('only the first answer: its verdict, the others said as not pasted', async () => {
      const report = await pasteAndRead(checker, prompt + steps[0]);
      assert.equal(report.verdict, 'ok');
      assert.equal(report.identity, null);
      assert.equal(await notes('paste_step_missing').count(), 2);
      assert.match(await checker.page.locator('#check-notes').innerText(), /Not in what you pasted/);
    });

    await t.test('the answers in another order: the same report', async () => {
      const report = await pasteAndRead(checker, [...steps].reverse().join('') + prompt);
      assert.deepEqual(report, whole);
      assert.equal(await notes('paste_step_missing').count(), 0);
    });

    await t.test('an HTML sign-in page pasted alone: no step of the block', async () => {
      await checker.pasteAnswer('<!DOCTYPE html><html><head><title>Databricks - Sign In</title></head>'
        + '<body><div id="login-page">Sign in to Databricks</div></body></html>');
      await pastedFinding('paste_without_steps').waitFor({ timeout: PASTE_TIMEOUT_MS });
      assert.match(await checker.page.locator('#pasted-findings').innerText(), /paste everything it printed/);
    });

    await t.test('an HTML sign-in page as a step\'s answer: unexpected_response', async () => {
      const html = [
        `\n${STEP}spark_versions]`, 'HTTP/2 200 ', 'content-type: text/html; charset=utf-8', '',
        '<!DOCTYPE html><html><head><title>Databricks - Sign In</title></head><body>Sign in</body></html>',
        `[dbx-check final URL] https://${host}/api/2.1/clusters/spark-versions`, '',
      ].join('\n');
      const report = await pasteAndRead(checker, prompt + html);
      assert.equal(report.verdict, 'unexpected_response');
    });

    await t.test('curl: (6) Could not resolve host: unreachable', async () => {
      const report = await pasteAndRead(checker, failing(`curl: (6) Could not resolve host: ${host}`));
      assert.equal(report.verdict, 'unreachable');
    });

    await t.test('curl: (28) timed out: timeout', async () => {
      const report = await pasteAndRead(checker,
        failing('curl: (28) Operation timed out after 30002 milliseconds with 0 bytes received'));
      assert.equal(report.verdict, 'timeout');
    });

    await t.test('curl: (60) certificate problem, as real curl prints it: unreachable', async () => {
      const untrusted = await runAsPerson(block, form.secret, curlHomeUntrusted);
      assert.match(untrusted, /curl: \(60\)/);
      const report = await pasteAndRead(checker, untrusted);
      assert.equal(report.verdict, 'unreachable');
      console.log(`curl (60) verdict: ${(await checker.liveVerdict.innerText()).replace(/\s+/g, ' ')}`);
    });

    await t.test('an empty answer: back to the browser\'s own verdict, nothing read', async () => {
      await checker.pasteAnswer('');
      await checker.page.locator('#report-source').waitFor({ state: 'detached', timeout: PASTE_TIMEOUT_MS });
      assert.equal(await checker.liveVerdict.getAttribute('data-verdict'), 'cors_blocked');
      assert.equal(await checker.page.locator('#pasted-findings').count(), 0);
      await checker.pasteAnswer('  \n\n ');
      await checker.page.waitForTimeout(200);
      assert.equal(await checker.liveVerdict.getAttribute('data-verdict'), 'cors_blocked');
    });

    await t.test('a paste holding a dapi… token: the paste_holds_secret note', async () => {
      const report = await pasteAndRead(checker, `$ echo $DATABRICKS_TOKEN\n${TEST_PAT}\n${printed}`);
      assert.deepEqual(report, whole);
      await notes('paste_holds_secret').waitFor({ timeout: PASTE_TIMEOUT_MS });
      assert.match(await notes('paste_holds_secret').innerText(), /looks like a token/);
    });

    await t.test('a 5 MB paste (a long scroll-back before the block\'s output), last: read', async () => {
      const line = 'INFO 2024-05-01 12:00:00 scheduler heartbeat ok, nothing to report here\n';
      const noise = line.repeat(Math.ceil((5 * 1024 * 1024) / line.length));
      const started = Date.now();
      const report = await pasteFromClipboard(checker, noise + printed);
      console.log(`5 MB pasted (Ctrl+V) and read in ${Date.now() - started} ms`);
      assert.deepEqual(report, whole);
      assert.deepEqual(checker.pageErrors, [], 'the page threw');
    });

    assert.deepEqual(checker.pageErrors, [], 'the page threw');
  } finally {
    await context.close();
  }
});

// --- screenshots ---------------------------------------------------------------------

for (const width of [360, 1280]) {
  test(`screenshots of the refused flow at ${width} px, before and after the paste`, async () => {
    const form = METHODS[3];
    const { context, checker, block } = await refusedFlow(
      `https://nocors-ok-${width === 360 ? 91 : 92}.cloud.databricks.com`, form, { width, height: 900 });
    try {
      await checker.page.screenshot({ path: screenshotPath(`terminal-route-${width}-before`), fullPage: true });
      // The paste box is as wide as the block it takes the output of.
      const boxWidth = (await checker.pastedAnswer.boundingBox()).width;
      const blockWidth = (await checker.page.locator('pre[data-route="bash"]').boundingBox()).width;
      assert.ok(Math.abs(boxWidth - blockWidth) <= 2, `paste box ${boxWidth} px, block ${blockWidth} px`);
      const printed = await runAsPerson(block, form.secret);
      const report = await pasteAndRead(checker, printed);
      assert.equal(report.verdict, 'ok');
      // The report stands far above the box: the box says so and links to it.
      await checker.page.locator('#pasted-read a[href="#check-live"]').waitFor({ timeout: 2_000 });
      await checker.page.screenshot({ path: screenshotPath(`terminal-route-${width}-after`), fullPage: true });
      // Nothing wider than the screen: no sideways scrolling on a phone.
      const overflow = await checker.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
    } finally {
      await context.close();
    }
  });
}
