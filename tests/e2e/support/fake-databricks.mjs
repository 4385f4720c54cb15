// Starts the fake Databricks server (crates/fake-databricks, built by
// `cargo build -p fake-databricks`) on free loopback ports and reads its request log.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './browser.mjs';

/// How long the fake may take to print its `listening` lines.
const START_TIMEOUT_MS = 10_000;
/// How long it may take to exit after Ctrl-C before it is killed.
const STOP_TIMEOUT_MS = 5_000;

/// The accepted test credentials, as the fake's crate exports them (scenario.rs).
export const TEST_PAT = 'dapi7e57c0de7e57c0de7e57c0de7e57c0de';
export const TEST_CLIENT_ID = '8c1e4b0a-7d52-4f3e-9a61-2f0c5d7e9b13';
export const TEST_CLIENT_SECRET = 'dose7e57c0de7e57c0de7e57c0de7e57c0de';
export const TEST_USER = 'airflow@example.com';
export const TEST_PASSWORD = 'correct horse battery staple';
/// The access token the fake's `/oidc/v1/token` issues (never to be printed by a block).
export const ISSUED_ACCESS_TOKEN =
  'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI4YzFlNGIwYSIsInNjb3BlIjoiYWxsLWFwaXMifQ.ZmFrZS1zaWduYXR1cmU';

function binaryPath() {
  const target = process.env.CARGO_TARGET_DIR ?? path.join(ROOT, 'target');
  const bin = path.join(target, 'debug', 'fake-databricks');
  if (!fs.existsSync(bin)) {
    throw new Error(`${bin} is missing: run \`cargo build -p fake-databricks\` first`);
  }
  return bin;
}

/// Starts the fake with `slowMs` for its `slow-` hosts (longer than the page's 10 s
/// timeout) and resolves once it listens on both ports. Its certificate (PEM) is written
/// to `certificatePath`, for clients that verify it (curl).
export async function startFakeDatabricks({ slowMs = 12_000 } = {}) {
  const certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbx-check-fake-'));
  const certificatePath = path.join(certDir, 'fake.pem');
  const child = spawn(
    binaryPath(),
    ['--port', '0', '--http-port', '0', '--slow-ms', String(slowMs), '--cert-out', certificatePath],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const exited = new Promise((resolve) => child.once('exit', resolve));

  const ports = await new Promise((resolve, reject) => {
    let out = '';
    const found = {};
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`fake-databricks printed no listening lines in ${START_TIMEOUT_MS} ms: ${stderr}`));
    }, START_TIMEOUT_MS);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      for (const m of out.matchAll(/^listening on (https?):\/\/127\.0\.0\.1:(\d+)$/gm)) {
        found[m[1]] = Number(m[2]);
      }
      if (found.https && found.http) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`fake-databricks exited (${code}) before listening: ${stderr}`));
    });
  });

  const logUrl = `http://127.0.0.1:${ports.http}/__log`;
  return {
    httpsPort: ports.https,
    httpPort: ports.http,
    certificatePath,
    /// Every request the fake received so far (secrets redacted by the fake), oldest first.
    async log() {
      const res = await fetch(logUrl);
      if (!res.ok) throw new Error(`GET /__log answered ${res.status}`);
      return res.json();
    },
    async clearLog() {
      const res = await fetch(logUrl, { method: 'DELETE' });
      if (!res.ok) throw new Error(`DELETE /__log answered ${res.status}`);
    },
    async stop() {
      fs.rmSync(certDir, { recursive: true, force: true });
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

/// A loopback port with nothing listening: connections to it are refused at once.
export async function closedLoopbackPort() {
  const server = net.createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}
