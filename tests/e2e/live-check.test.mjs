// The live check of the release page against the fake Databricks server: one test per
// verdict. Every test also proves the page's promises: the secret goes to the typed
// workspace and nowhere else, nothing is kept in the browser, and "checking" never
// lasts longer than the page's timeout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launchBrowser, serveRelease, fakeDatabricksArgs } from './support/browser.mjs';
import { CheckerPage } from './support/checker-page.mjs';
import {
  startFakeDatabricks, closedLoopbackPort,
  TEST_PAT, TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_USER, TEST_PASSWORD,
} from './support/fake-databricks.mjs';
import { watchRequests, carriesSecret, hostsGivenSecret } from './support/traffic.mjs';

/// The page aborts a request after 10 s (crates/core/src/check/mod.rs BROWSER_TIMEOUT_MS).
const PAGE_TIMEOUT_MS = 10_000;
/// Time for the page to render and for this test's polling, on a busy 2-core machine.
const GRACE_MS = 2_500;
/// No check may say "checking" for longer than this.
const CHECK_BOUND_MS = PAGE_TIMEOUT_MS + GRACE_MS;
/// The `slow-` hosts answer after this: longer than the page waits.
const SLOW_MS = 12_000;
/// A zone mapped to a loopback port where nothing listens: its hosts are unreachable.
const UNREACHABLE_ZONE = 'databricks.azure.cn';
/// The fake's workspace id, which a browser cannot read from its answers
/// (docs/databricks-answers.md): the page takes it from the pasted URL.
const WORKSPACE_ID = '7474646471015793';
/// The one table of the fake's scenarios and their verdicts, shared by every suite.
const SCENARIOS = JSON.parse(
  readFileSync(new URL('../../crates/fake-databricks/scenarios.json', import.meta.url), 'utf8'),
).scenarios;

let fake;
let server;
let browser;

before(async () => {
  fake = await startFakeDatabricks({ slowMs: SLOW_MS });
  server = await serveRelease();
  browser = await launchBrowser(fakeDatabricksArgs({
    port: fake.httpsPort,
    unreachableZone: UNREACHABLE_ZONE,
    closedPort: await closedLoopbackPort(),
    extraHosts: ['*.example.org'],
  }));
});

after(async () => {
  await browser?.close();
  await server?.close();
  await fake?.stop();
});

/// Opens the page in a fresh context (no storage from an earlier test), watching its
/// requests from the start.
async function openPage() {
  await fake.clearLog();
  const context = await browser.newContext();
  const page = await context.newPage();
  const requests = watchRequests(page);
  const checker = new CheckerPage(page, server.url);
  await checker.open();
  return { context, checker, requests };
}

/// Clicks "Test the connection" and asserts that the page said "checking", then stopped
/// and showed a verdict within the bound.
async function checkAndWatch(checker) {
  const watch = await checker.testConnectionAndWatch({ boundMs: CHECK_BOUND_MS });
  assert.ok(watch.sawChecking, 'the page never showed that it was checking');
  assert.ok(watch.settled,
    `the page was still checking (or showed no verdict) ${watch.elapsedMs} ms after the click`);
  assert.ok(watch.longestCheckingMs <= CHECK_BOUND_MS,
    `the page said "checking" for ${Math.round(watch.longestCheckingMs)} ms`);
  return watch;
}

/// Types the form, runs the live check and reads the verdict.
async function liveCheck(form) {
  const opened = await openPage();
  const { checker } = opened;
  await checker.fillForm(form);
  const watch = await checkAndWatch(checker);
  const verdict = await checker.verdict({ timeoutMs: 1_000 });
  return { ...opened, verdict, watch };
}

/// The promises every scenario keeps, checked after its verdict.
async function assertPrivacy({ checker, requests }, { workspace, secret, reachesFake = true }) {
  const typed = new URL(workspace).hostname;

  // The page sent the secret (the watcher sees it), and only to the typed host.
  assert.deepEqual(hostsGivenSecret(requests, secret), [typed],
    'the secret went to a host other than the typed workspace, or was not sent');
  for (const r of requests.filter((r) => new URL(r.url).hostname !== typed)) {
    assert.ok(!carriesSecret(r, secret), `the secret went to ${r.url}`);
  }

  // The fake saw only the typed host (or nothing, when it is unreachable).
  const log = await fake.log();
  assert.deepEqual([...new Set(log.map((e) => e.host))], reachesFake ? [typed] : [],
    'the fake Databricks server was called for another host');
  assert.ok(!JSON.stringify(log).includes(secret), 'the fake logged the secret unredacted');

  // Nothing kept in the browser.
  assert.deepEqual(await checker.storedState(), {
    localStorage: [],
    sessionStorage: [],
    documentCookie: '',
    indexedDB: [],
    caches: [],
    cookies: [],
  });
  assert.deepEqual(checker.pageErrors, [], 'the page threw (a panic kills the page)');
  return log;
}

/// The paths the fake was asked for, in order, without preflights.
function asked(log) {
  return log.filter((e) => e.method !== 'OPTIONS').map((e) => `${e.method} ${e.path}`);
}

const SPARK_VERSIONS = 'GET /api/2.1/clusters/spark-versions';
const ME = 'GET /api/2.0/preview/scim/v2/Me';
const WAREHOUSES = 'GET /api/2.0/sql/warehouses';
const TOKEN = 'POST /oidc/v1/token';

// --- ok -------------------------------------------------------------------------------

test('ok: a personal access token as Bearer passes Airflow\'s test and shows who it is', async () => {
  const form = { workspace: `https://ok-pat.cloud.databricks.com/?o=${WORKSPACE_ID}`, method: 'pat', secret: TEST_PAT };
  const run = await liveCheck(form);
  assert.equal(run.verdict.verdict, 'ok');
  assert.match(run.verdict.fix, /Nothing to fix/);
  assert.match(await run.checker.page.locator('#identity').textContent(),
    new RegExp(`Airflow Tester \\(airflow@example.com\\)\\. Workspace ${WORKSPACE_ID}, as read from the \\?o=`));
  assert.equal(await run.checker.waysOn.count(), 0, 'ways on shown although the browser judged');
  const log = await assertPrivacy(run, form);
  assert.deepEqual(asked(log), [SPARK_VERSIONS, ME, WAREHOUSES]);
  assert.ok(log.filter((e) => e.method !== 'OPTIONS').every((e) => e.authorization === 'Bearer' && e.credential === 'valid'));
  await run.context.close();
});

test('ok: a personal access token over Basic (Login "token") passes', async () => {
  const form = {
    workspace: 'https://adb-7474646471015793.3.azuredatabricks.net',
    method: 'pat_basic',
    secret: TEST_PAT,
  };
  const run = await liveCheck(form);
  assert.equal(run.verdict.verdict, 'ok');
  assert.match(await run.checker.page.locator('#identity').textContent(),
    new RegExp(`Workspace ${WORKSPACE_ID}, as read from the workspace URL's host name`));
  const log = await assertPrivacy(run, form);
  assert.equal(log.find((e) => e.path === '/api/2.1/clusters/spark-versions' && e.method === 'GET').authorization, 'Basic');
  await run.context.close();
});

test('ok: a service principal with OAuth gets a token, then passes', async () => {
  const form = {
    workspace: 'https://ok-sp.gcp.databricks.com',
    method: 'sp_oauth',
    login: TEST_CLIENT_ID,
    secret: TEST_CLIENT_SECRET,
  };
  const run = await liveCheck(form);
  assert.equal(run.verdict.verdict, 'ok');
  const log = await assertPrivacy(run, form);
  assert.deepEqual(asked(log).slice(0, 2), [TOKEN, SPARK_VERSIONS]);
  await run.context.close();
});

test('ok: a user name and password over Basic passes', async () => {
  const form = {
    workspace: 'https://ok-basic.cloud.databricks.us',
    method: 'basic',
    login: TEST_USER,
    secret: TEST_PASSWORD,
  };
  const run = await liveCheck(form);
  assert.equal(run.verdict.verdict, 'ok');
  await assertPrivacy(run, form);
  await run.context.close();
});

// --- one test per verdict the live check can reach ------------------------------------

/// Verdicts after which the page shows the other routes (the browser could not judge).
const WAYS_ON = new Set(['private_link', 'unexpected_response', 'unreachable', 'timeout', 'cors_blocked']);
/// Rows with a test of their own below: timing (slow, ratelimit), a refusal before any
/// request (accounts), or no secret sent at all (nocors).
const OWN_TEST = new Set(['slow', 'ratelimit', 'accounts', 'nocors']);

/// A PAT to each host of the shared table, and one to a host that does not answer.
const VERDICTS = [
  ...SCENARIOS.filter((row) => !OWN_TEST.has(row.label)).map((row) => ({
    verdict: row.browser ?? row.verdict,
    workspace: `https://${row.host}`,
    fix: new RegExp(row.fix ?? '.'),
    waysOn: WAYS_ON.has(row.browser ?? row.verdict),
  })),
  { verdict: 'unreachable', workspace: `https://adb-1.2.${UNREACHABLE_ZONE}`, fix: /typos/, waysOn: true, reachesFake: false },
];

for (const { verdict, workspace, fix, waysOn = false, reachesFake = true } of VERDICTS) {
  test(`${verdict}: ${new URL(workspace).hostname} with a personal access token`, async () => {
    const form = { workspace, method: 'pat', secret: TEST_PAT };
    const run = await liveCheck(form);
    assert.equal(run.verdict.verdict, verdict);
    assert.match(run.verdict.fix, fix);
    assert.equal(await run.checker.waysOn.count(), waysOn ? 1 : 0);
    await assertPrivacy(run, { ...form, reachesFake });
    await run.context.close();
  });
}

test('rate_limited: the page tries 3 times, 1 s then 2 s apart, as Airflow does, then says so', async () => {
  const form = { workspace: 'https://ratelimit-1.dev.databricks.com', method: 'pat', secret: TEST_PAT };
  const run = await liveCheck(form);
  assert.equal(run.verdict.verdict, 'rate_limited');
  // Retry-After (7 s) is a header the browser may not read, and Airflow does not wait for it.
  assert.match(run.verdict.fix, /^Wait a minute and check again; Airflow's test fails the same way/);
  assert.match(run.verdict.explanation, /tries 3 times, 1 and then 2 seconds apart/);
  assert.ok(run.watch.elapsedMs >= 3_000 && run.watch.elapsedMs < 7_000, `answered after ${run.watch.elapsedMs} ms`);
  const log = await assertPrivacy(run, form);
  assert.deepEqual(asked(log), [SPARK_VERSIONS, SPARK_VERSIONS, SPARK_VERSIONS]);
  await run.context.close();
});

test('timeout: a workspace that answers after 12 s is given up at 10 s', async () => {
  const form = { workspace: 'https://slow-1.dev.gcp.databricks.com', method: 'pat', secret: TEST_PAT };
  const run = await liveCheck(form);
  assert.equal(run.verdict.verdict, 'timeout');
  assert.match(run.verdict.fix, /opens in this browser/);
  assert.match(run.verdict.explanation, /Airflow waits up to 180 seconds/);
  assert.ok(run.watch.elapsedMs >= PAGE_TIMEOUT_MS - 500, `gave up after ${run.watch.elapsedMs} ms`);
  assert.equal(await run.checker.waysOn.count(), 1);
  const log = await assertPrivacy(run, form);
  assert.deepEqual(asked(log), [SPARK_VERSIONS]);
  await run.context.close();
});

test('editing the workspace during a check stops it at once, and no stale verdict appears', async () => {
  const form = { workspace: 'https://slow-2.cloud.databricks.com', method: 'pat', secret: TEST_PAT };
  const { context, checker, requests } = await openPage();
  await checker.fillForm(form);
  await checker.testConnection();
  await checker.checking.waitFor({ timeout: 2_000 });
  // Edit only once the request is at the workspace (slow- holds it for 12 s), so the
  // abort is of a request in flight, not of one still in its CORS preflight.
  for (let i = 0; i < 40 && !asked(await fake.log()).includes(SPARK_VERSIONS); i++) {
    await checker.page.waitForTimeout(50);
  }
  const edited = Date.now();
  await checker.typeWorkspace('https://ok-after-edit.cloud.databricks.com');
  await checker.checking.waitFor({ state: 'detached', timeout: 1_000 });
  assert.ok(Date.now() - edited < 1_000);
  await checker.page.waitForTimeout(500);
  assert.equal(await checker.liveVerdict.count(), 0, 'a verdict for the old workspace appeared');
  assert.ok(await checker.testButton.isEnabled(), 'the button stayed disabled after the abort');
  assert.deepEqual(hostsGivenSecret(requests, TEST_PAT), ['slow-2.cloud.databricks.com']);
  assert.deepEqual(asked(await fake.log()), [SPARK_VERSIONS]);
  await context.close();
});

test('oauth_invalid_client: the token endpoint refuses the service principal', async () => {
  const form = {
    workspace: 'https://badclient-1.gcp.databricks.com',
    method: 'sp_oauth',
    login: TEST_CLIENT_ID,
    secret: TEST_CLIENT_SECRET,
  };
  const run = await liveCheck(form);
  assert.equal(run.verdict.verdict, 'oauth_invalid_client');
  assert.match(run.verdict.fix, /client id/);
  const log = await assertPrivacy(run, form);
  assert.deepEqual(asked(log), [TOKEN]);
  await run.context.close();
});

test('cors_blocked: the workspace refuses browser calls, and the ways on are shown', async () => {
  const form = { workspace: 'https://nocors-1.azuredatabricks.net', method: 'pat', secret: TEST_PAT };
  const run = await liveCheck(form);
  assert.equal(run.verdict.verdict, 'cors_blocked');
  assert.match(run.verdict.fix, /terminal/);

  const ways = await run.checker.waysOnCommands();
  const encoded = Buffer.from(`token:${TEST_PAT}`).toString('base64');
  // One block per shell: a `dbx` function that prints each step's marker and runs curl.
  for (const [shell, text, curl] of [['bash', ways.bash, /^dbx\(\) \{ .*\bcurl /m], ['powershell', ways.powershell, /^function dbx \{ .*\bcurl\.exe /m]]) {
    assert.match(text, curl, `${shell}: no curl command`);
    assert.ok(text.includes('https://nocors-1.azuredatabricks.net/api/2.1/clusters/spark-versions'), `${shell}: not the workspace's spark-versions`);
    assert.ok(!text.includes(TEST_PAT) && !text.includes(encoded), `${shell}: the command holds the secret`);
  }
  assert.match(ways.airflow, /airflow connections test databricks_default/);

  // The browser hid the answer; the reachability probe went to the same host, without the secret.
  const log = await assertPrivacy(run, form);
  assert.ok(log.some((e) => e.method === 'GET' && e.credential === 'none'), 'no reachability probe');
  await run.context.close();
});

// --- verdicts the live flow cannot reach -----------------------------------------------

test('account_console: the page refuses an account console host before any request, and a pasted answer from one is diagnosed', async () => {
  const { context, checker, requests } = await openPage();
  // The host analysis refuses `accounts.` hosts: the check cannot start, so no live
  // request can ever meet an account console. Shown as a finding on the URL instead.
  await checker.fillForm({ workspace: 'https://accounts.cloud.databricks.com', method: 'pat', secret: TEST_PAT });
  await checker.workspaceFindings.locator('[data-code=account_console]').waitFor();
  assert.ok(await checker.testButton.isDisabled());
  assert.deepEqual(requests.filter((r) => r.url.includes('databricks.com')), [], 'a request left for the account console');

  // What the block prints when its first request meets an account console (docs/databricks-answers.md:
  // 401 "Credential was not sent or was of an unsupported type"), pasted back.
  await checker.fillForm({ workspace: 'https://nocors-2.cloud.databricks.com', method: 'pat', secret: TEST_PAT });
  await checkAndWatch(checker);
  await checker.pasteAnswer([
    '[dbx-check step: spark_versions]',
    'HTTP/2 401 ',
    'content-type: application/json',
    '',
    '{"error_code":401,"message":"Credential was not sent or was of an unsupported type for this API. [ReqId: 5c0ffee0-0000-4000-8000-000000000000]"}',
    '[dbx-check final URL] https://accounts.cloud.databricks.com/api/2.1/clusters/spark-versions',
    '',
  ].join('\n'));
  const pasted = await checker.pastedDiagnosis();
  assert.equal(pasted.verdict, 'account_console');
  assert.match(pasted.fix, /URL of the workspace itself/);
  // The pasted report stands where the live verdict was; emptied, the box gives it back.
  await checker.pasteAnswer('');
  await checker.reportSource.waitFor({ state: 'detached', timeout: 2_000 });
  assert.equal((await checker.verdict()).verdict, 'cors_blocked', 'the live verdict did not come back');
  await assertPrivacy({ checker, requests }, { workspace: 'https://nocors-2.cloud.databricks.com', secret: TEST_PAT });
  await context.close();
});

// The page's Content Security Policy lets the browser call only the Databricks zones, so a
// custom domain is not called from the browser at all: without a relay the page says why
// and hands over the terminal route (the relay, with --allow-host, asks for confirmation:
// relay.test.mjs).
test('a host outside the Databricks zones gets the terminal route, and nothing is sent', async () => {
  const form = { workspace: 'https://ok-custom.example.org', method: 'pat', secret: TEST_PAT };
  const { context, checker, requests } = await openPage();
  try {
    await checker.fillForm(form);
    assert.ok(await checker.page.locator('#test-connection').isDisabled());
    assert.equal(await checker.page.locator('#confirm-host').count(), 0);
    assert.match(await checker.page.locator('#check-status').innerText(), /outside the Databricks domains/);
    const ways = await checker.waysOnCommands();
    assert.match(ways.bash, /ok-custom\.example\.org/);
    assert.ok(!ways.bash.includes(TEST_PAT) && !ways.powershell.includes(TEST_PAT));
    assert.deepEqual(hostsGivenSecret(requests, TEST_PAT), [], 'the secret left the browser');
    assert.deepEqual(await fake.log(), []);
  } finally {
    await context.close();
  }
});

// --- a figure, not an assertion --------------------------------------------------------

test('happy-path timing: median of 10 checks, click to verdict', async () => {
  const form = { workspace: 'https://ok-timing.cloud.databricks.com', method: 'pat', secret: TEST_PAT };
  const { context, checker, requests } = await openPage();
  await checker.fillForm(form);
  const times = [];
  for (let i = 0; i < 10; i++) {
    times.push(await checker.timedCheck());
    assert.equal((await checker.verdict()).verdict, 'ok');
  }
  times.sort((a, b) => a - b);
  const median = (times[4] + times[5]) / 2;
  console.log(`happy-path check median: ${Math.round(median)} ms`);
  console.log(`happy-path checks (ms): ${times.map((t) => Math.round(t)).join(' ')}`);
  await assertPrivacy({ checker, requests }, form);
  await context.close();
});
