// Prints the bytes of each file of the release build: raw, gzip -9 and brotli (quality 11),
// which is what a first visit costs over the wire with each encoding. `scripts/bench.mjs`
// imports `fileSizes` to set the page beside the floor.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

/// Every file under `dir`, sorted by path, with its raw, gzip -9 and brotli q11 sizes.
export function fileSizes(dir) {
  const files = fs.readdirSync(dir, { recursive: true })
    .map((f) => path.join(dir, f))
    .filter((f) => fs.statSync(f).isFile())
    .sort();
  if (files.length === 0) {
    throw new Error(`no files in ${dir}: run the release build first`);
  }
  return files.map((f) => {
    const data = fs.readFileSync(f);
    return {
      name: path.relative(dir, f),
      raw: data.length,
      gzip: zlib.gzipSync(data, { level: 9 }).length,
      brotli: zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? 'dist';
  let sizes;
  try {
    sizes = fileSizes(dir);
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
  const row = (name, raw, gz, br) =>
    `${name.padEnd(44)} ${String(raw).padStart(10)} ${String(gz).padStart(10)} ${String(br).padStart(10)}`;
  console.log(row('file', 'raw', 'gzip', 'brotli'));
  const total = [0, 0, 0];
  for (const { name, raw, gzip, brotli } of sizes) {
    [raw, gzip, brotli].forEach((s, i) => (total[i] += s));
    console.log(row(name, raw, gzip, brotli));
  }
  console.log(row('total', ...total));
}
