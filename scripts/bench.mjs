// `make bench`'s figures, printed as one table: bytes over the wire (the page beside the
// floor, bench/floor), time to interactive (same), analysis time per keystroke (in
// Chromium beside native, read from the outputs of scripts/bench.sh's two runs), and time
// to a verdict (the page's check beside Airflow's own `airflow connections test`, both
// against the fake Databricks server). Figures only: nothing here asserts a number. A
// measurement that could not be taken (a check that did not end in `ok`, say) is shown
// as "failed" and makes the exit status 1.
//
// node scripts/bench.mjs --page dist --floor bench/floor/dist --native FILE --browser FILE
//                        --airflow VENV/bin/airflow [--out artifacts/bench/figures.json]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileSizes } from './size.mjs';
import { timeToInteractive, median, quantile } from './tti.mjs';
import { launchBrowser, serveDir, fakeDatabricksArgs } from '../tests/e2e/support/browser.mjs';
import { CheckerPage } from '../tests/e2e/support/checker-page.mjs';
import { startFakeDatabricks, closedLoopbackPort, TEST_PAT } from '../tests/e2e/support/fake-databricks.mjs';

const TTI_LOADS = 20;
const PAGE_CHECKS = 10;
const AIRFLOW_TESTS = 5;
/// One page check may take this long before the run gives up (the page itself gives up at 10 s).
const CHECK_TIMEOUT_MS = 15_000;
/// `airflow db migrate` on a fresh sqlite database: ~5 s on an idle machine.
const MIGRATE_TIMEOUT_MS = 300_000;
/// One `airflow connections test`: ~2 to 5 s on an idle machine.
const AIRFLOW_TIMEOUT_MS = 120_000;
/// The workspace the page checks: the fake answers an `ok-` host like a healthy workspace.
const WORKSPACE = 'https://ok-bench.cloud.databricks.com';
/// Airflow's connection id, and its environment variable (docs/airflow-connections.md).
const CONN_ID = 'dbx_bench';
const SPARK_VERSIONS = '/api/2.1/clusters/spark-versions';

const { values: args } = parseArgs({
  options: {
    page: { type: 'string', default: 'dist' },
    floor: { type: 'string', default: 'bench/floor/dist' },
    native: { type: 'string' },
    browser: { type: 'string' },
    airflow: { type: 'string' },
    out: { type: 'string', default: 'artifacts/bench/figures.json' },
  },
});

const rows = [];
const failures = [];
const samples = {};
const loadAtStart = os.loadavg();

/// Runs one measurement; on an error, notes it and lets the others go on.
async function measure(what, fn) {
  const started = performance.now();
  console.error(`==> ${what}`);
  try {
    return await fn();
  } catch (err) {
    failures.push(`${what}: ${err.message}`);
    console.error(`    failed: ${err.message}`);
    return undefined;
  } finally {
    console.error(`    ${what}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}

// --- formatting -------------------------------------------------------------------------

const bytes = (n) => n.toLocaleString('en-US');
const triple = (s) => (s ? `${bytes(s.raw)} / ${bytes(s.gzip)} / ${bytes(s.brotli)}` : '—');
const ms = (n) => (n === undefined ? 'failed' : n < 10 ? `${n.toFixed(1)} ms` : `${Math.round(n).toLocaleString('en-US')} ms`);
const micros = (n) => {
  if (n === undefined) return 'failed';
  const digits = n < 10 ? 2 : n < 100 ? 1 : 0;
  return `${n.toFixed(digits)} µs`;
};
const ratio = (ours, reference) => {
  if (ours === undefined || reference === undefined || reference === 0) return '—';
  const r = ours / reference;
  return r >= 10 ? `${r.toFixed(0)}×` : r >= 0.1 ? `${r.toFixed(2)}×` : `${r.toPrecision(2)}×`;
};
const row = (metric, ours, reference, r) => rows.push({ metric, ours, reference, ratio: r });
const section = (title) => rows.push({ section: title });

// --- bytes over the wire ----------------------------------------------------------------

/// Trunk names files `<name>-<hash>.<ext>`; the hash says nothing in a table.
const shown = (name) => name.replace(/-[0-9a-f]{12,}(?=[._])/, '');

/// What a file is, to pair each of the page's files with the floor's file of the same
/// role: the HTML, the wasm, and the JS glue named after the wasm. Other files have no pair.
function role(name, names) {
  if (name === 'index.html') return 'html';
  if (name.endsWith('_bg.wasm')) return 'wasm';
  if (name.endsWith('.js') && names.includes(name.replace(/\.js$/, '_bg.wasm'))) return 'glue';
  return `only:${name}`;
}

function byRole(files) {
  const names = files.map((f) => f.name);
  return new Map(files.map((f) => [role(f.name, names), f]));
}

function bytesRows(page, floor) {
  section('Bytes over the wire, each file of the release build: raw / gzip -9 / brotli q11\n'
    + `(reference: the floor's file of the same role, ${args.floor})`);
  const floorByRole = floor ? byRole(floor) : new Map();
  const pageNames = page.map((f) => f.name);
  for (const file of page) {
    const pair = floorByRole.get(role(file.name, pageNames));
    row(shown(file.name), triple(file), triple(pair),
      pair ? `${ratio(file.brotli, pair.brotli)} br` : '—');
  }
  const total = (files) => files && files.reduce((t, f) => ({
    raw: t.raw + f.raw, gzip: t.gzip + f.gzip, brotli: t.brotli + f.brotli,
  }), { raw: 0, gzip: 0, brotli: 0 });
  const [ours, reference] = [total(page), total(floor)];
  for (const encoding of ['raw', 'gzip', 'brotli']) {
    row(`total, ${encoding} (${page.length} files; floor ${floor?.length ?? '—'})`,
      bytes(ours[encoding]), reference ? bytes(reference[encoding]) : 'failed',
      ratio(ours[encoding], reference?.[encoding]));
  }
}

// --- analysis per keystroke ---------------------------------------------------------------

/// Reads the lines that bench/analysis_cases.rs prints, from either run.
function readAnalysis(file) {
  if (!file) throw new Error('no file given');
  const text = fs.readFileSync(file, 'utf8');
  const found = new Map();
  for (const m of text.matchAll(/analysis (\S+) bytes=(\d+) calls=(\d+) micros_per_call=([\d.]+)/g)) {
    found.set(m[1], { bytes: Number(m[2]), calls: Number(m[3]), micros: Number(m[4]) });
  }
  if (found.size === 0) throw new Error(`no "analysis ..." lines in ${file}`);
  return found;
}

const ANALYSES = {
  host: 'host analysis',
  credential: 'credential analysis',
  output: 'Airflow values (output)',
  keystroke: 'assess(): the whole form, as the page calls it',
};

function analysisRows(inBrowser, native) {
  section('Analysis time per keystroke, mean per call, in headless Chromium (release wasm without wasm-opt)\n'
    + '(reference: the same calls natively, release build)');
  const ids = [...new Set([...(inBrowser?.keys() ?? []), ...(native?.keys() ?? [])])];
  for (const id of ids) {
    const [analysis, size] = id.split('/');
    const b = inBrowser?.get(id);
    const n = native?.get(id);
    const input = size === 'typical' ? 'typical' : size.toUpperCase().replace('K', ' KB');
    const typed = (b ?? n).bytes;
    row(`${ANALYSES[analysis] ?? analysis}, ${input} (${bytes(typed)} B)`,
      micros(b?.micros), micros(n?.micros), ratio(b?.micros, n?.micros));
  }
}

// --- time to a verdict --------------------------------------------------------------------

async function pageCheckTimes(fake) {
  const server = await serveDir(args.page);
  let browser;
  try {
    browser = await launchBrowser(fakeDatabricksArgs({
      port: fake.httpsPort,
      unreachableZone: 'databricks.azure.cn',
      closedPort: await closedLoopbackPort(),
    }));
    const context = await browser.newContext();
    const checker = new CheckerPage(await context.newPage(), server.url);
    await checker.open();
    await checker.fillForm({ workspace: WORKSPACE, method: 'pat', secret: TEST_PAT });
    const times = [];
    for (let i = 0; i < PAGE_CHECKS; i += 1) {
      times.push(await checker.timedCheck({ timeoutMs: CHECK_TIMEOUT_MS }));
      const { verdict } = await checker.verdict({ timeoutMs: 1_000 });
      if (verdict !== 'ok') throw new Error(`check ${i + 1} ended in "${verdict}", not "ok"`);
    }
    return times.sort((a, b) => a - b);
  } finally {
    await browser?.close();
    await server.close();
  }
}

/// Runs a command to its end (killed after `timeoutMs`); resolves with its exit code,
/// output, and wall time from just before the start to its exit.
function run(command, argv, env, timeoutMs) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let exitedAt;
    child.stdout.on('data', (chunk) => { out += chunk; });
    child.stderr.on('data', (chunk) => { out += chunk; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (err) => { clearTimeout(timer); reject(err); });
    child.once('exit', () => { exitedAt = performance.now(); });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out, ms: (exitedAt ?? performance.now()) - started });
    });
  });
}

async function airflowTestTimes(fake) {
  if (!args.airflow) throw new Error('no --airflow given');
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'dbx-check-bench-airflow-'));
  // A connection from the environment, pointing at the fake's plain-HTTP port: the provider
  // builds `{schema}://{host}:{port}/api/...` (docs/airflow-connections.md). The Host header is
  // then `127.0.0.1`, which the fake answers like an `ok-` workspace.
  const env = {
    ...process.env,
    AIRFLOW_HOME: home,
    AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
    AIRFLOW__CORE__TEST_CONNECTION: 'Enabled',
    [`AIRFLOW_CONN_${CONN_ID.toUpperCase()}`]: JSON.stringify({
      conn_type: 'databricks', host: '127.0.0.1', port: fake.httpPort, schema: 'http', password: TEST_PAT,
    }),
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
  };
  try {
    const migrated = await run(args.airflow, ['db', 'migrate'], env, MIGRATE_TIMEOUT_MS);
    if (migrated.code !== 0) throw new Error(`airflow db migrate failed (${migrated.code ?? migrated.signal}): ${migrated.out.slice(-500)}`);
    await fake.clearLog();
    const times = [];
    for (let i = 0; i < AIRFLOW_TESTS; i += 1) {
      const test = await run(args.airflow, ['connections', 'test', CONN_ID], env, AIRFLOW_TIMEOUT_MS);
      if (test.code !== 0 || !test.out.includes('Connection success!')) {
        throw new Error(`airflow connections test ${i + 1} did not succeed (${test.code ?? test.signal}): ${test.out.slice(-500)}`);
      }
      times.push(test.ms);
    }
    const asked = (await fake.log()).filter((e) => e.path === SPARK_VERSIONS && e.credential === 'valid');
    if (asked.length < AIRFLOW_TESTS) {
      throw new Error(`the fake saw ${asked.length} spark-versions calls with the test token, not ${AIRFLOW_TESTS}`);
    }
    return times.sort((a, b) => a - b);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

// --- the run ------------------------------------------------------------------------------

const pageSizes = await measure('bytes of the page', () => fileSizes(args.page));
const floorSizes = await measure('bytes of the floor', () => fileSizes(args.floor));
const tti = await measure(`time to interactive, ${TTI_LOADS} cold loads of each page, taking turns`,
  () => timeToInteractive([args.page, args.floor], TTI_LOADS));
const inBrowser = await measure('analysis in Chromium (read)', () => readAnalysis(args.browser));
const native = await measure('analysis natively (read)', () => readAnalysis(args.native));

let checks;
let airflow;
const fake = await measure('fake Databricks server', () => startFakeDatabricks());
if (fake) {
  try {
    checks = await measure(`the page's check, ${PAGE_CHECKS} times`, () => pageCheckTimes(fake));
    airflow = await measure(`airflow connections test, ${AIRFLOW_TESTS} times`, () => airflowTestTimes(fake));
  } finally {
    await fake.stop();
  }
}

if (pageSizes) bytesRows(pageSizes, floorSizes);

section(`Time to interactive, navigation start to the first input accepting text, ${TTI_LOADS} cold loads\n`
  + '(reference: the floor, loaded in turn with the page)');
const [pageTti, floorTti] = tti ?? [];
for (const [label, at] of [['median', median], ['p90', (t) => quantile(t, 0.9)]]) {
  const ours = pageTti && at(pageTti);
  const reference = floorTti && at(floorTti);
  row(`${label}`, ms(ours), ms(reference), ratio(ours, reference));
}

analysisRows(inBrowser, native);

section(`Time to a verdict, same token, fake Databricks server: the page's check, click to verdict, ${PAGE_CHECKS} checks\n`
  + `(reference: \`airflow connections test\`, Airflow 3.3.2 + provider 7.23.0, command start to exit, ${AIRFLOW_TESTS} runs)`);
const checkMedian = checks && median(checks);
const airflowMedian = airflow && median(airflow);
row('median', ms(checkMedian), ms(airflowMedian), ratio(checkMedian, airflowMedian));

Object.assign(samples, {
  pageSizes, floorSizes, tti: tti && { page: pageTti, floor: floorTti },
  analysis: { browser: inBrowser && Object.fromEntries(inBrowser), native: native && Object.fromEntries(native) },
  pageCheckMs: checks, airflowTestMs: airflow,
  loadAverage: { start: loadAtStart, end: os.loadavg() },
  cpus: os.cpus().length,
});
fs.mkdirSync(path.dirname(args.out), { recursive: true });
fs.writeFileSync(args.out, JSON.stringify(samples, null, 2));

// --- the table ----------------------------------------------------------------------------

const header = { metric: 'metric', ours: 'dbx-check', reference: 'reference', ratio: 'ratio' };
const cells = rows.filter((r) => !r.section);
const width = (key) => Math.max(...[header, ...cells].map((r) => [...r[key]].length));
const w = { metric: width('metric'), ours: width('ours'), reference: width('reference'), ratio: width('ratio') };
const pad = (text, n, right) => (right ? text.padStart(n) : text.padEnd(n));
const line = (r) => `${pad(r.metric, w.metric)}  ${pad(r.ours, w.ours, true)}  ${pad(r.reference, w.reference, true)}  ${pad(r.ratio, w.ratio, true)}`;
const rule = '-'.repeat(w.metric + w.ours + w.reference + w.ratio + 6);

console.log('');
console.log(line(header));
for (const r of rows) {
  if (r.section) {
    console.log(rule);
    console.log(r.section);
  } else {
    console.log(line(r));
  }
}
console.log(rule);
const load = (l) => l.map((x) => x.toFixed(2)).join(' ');
console.log(`ratio = dbx-check / reference. ${os.cpus().length} CPUs; load average ${load(loadAtStart)} at the start, ${load(os.loadavg())} at the end (figures taken under load are inflated).`);
console.log(`All samples: ${args.out}`);
if (failures.length > 0) {
  console.log(`Not measured: ${failures.join('; ')}`);
  process.exitCode = 1;
}
