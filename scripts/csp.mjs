// Trunk post-build hook: writes the page's Content Security Policy into the built
// index.html. Scripts may come only from the page's origin plus the hashes of Trunk's
// own inline loader (computed here, after Trunk wrote it); network calls only to the
// page's origin (the relay) and the Databricks DNS zones.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

// The SDKs' DNS zones, as crates/core/src/host/zones.rs lists them (a core test keeps the two equal).
export const ZONES = [
  '.dev.databricks.com',
  '.staging.cloud.databricks.com',
  '.cloud.databricks.us',
  '.cloud.databricks.com',
  '.dev.azuredatabricks.net',
  '.staging.azuredatabricks.net',
  '.azuredatabricks.net',
  '.databricks.azure.us',
  '.databricks.azure.cn',
  '.dev.gcp.databricks.com',
  '.staging.gcp.databricks.com',
  '.gcp.databricks.com',
];

export function policy(html) {
  const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
    (m) => `'sha256-${crypto.createHash('sha256').update(m[1]).digest('base64')}'`,
  );
  const zones = ZONES.map((z) => `https://*${z}`);
  return [
    "default-src 'none'",
    `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`,
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${zones.join(' ')}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

const dir = process.env.TRUNK_STAGING_DIR;
if (dir) {
  const file = path.join(dir, 'index.html');
  const html = fs.readFileSync(file, 'utf8');
  const meta = `<meta http-equiv="Content-Security-Policy" content="${policy(html)}" />`;
  fs.writeFileSync(file, html.replace('<meta charset="utf-8" />', `<meta charset="utf-8" />\n    ${meta}`));
}
