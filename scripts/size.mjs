// Prints the bytes of each file of the release build: raw, gzip -9 and brotli (quality 11),
// which is what a first visit costs over the wire with each encoding.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const dir = process.argv[2] ?? 'dist';
const files = fs.readdirSync(dir, { recursive: true })
  .map((f) => path.join(dir, f))
  .filter((f) => fs.statSync(f).isFile())
  .sort();
if (files.length === 0) {
  console.error(`no files in ${dir}: run the release build first`);
  process.exit(1);
}
const row = (name, raw, gz, br) =>
  `${name.padEnd(44)} ${String(raw).padStart(10)} ${String(gz).padStart(10)} ${String(br).padStart(10)}`;
console.log(row('file', 'raw', 'gzip', 'brotli'));
const total = [0, 0, 0];
for (const f of files) {
  const data = fs.readFileSync(f);
  const sizes = [
    data.length,
    zlib.gzipSync(data, { level: 9 }).length,
    zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  ];
  sizes.forEach((s, i) => (total[i] += s));
  console.log(row(path.relative(dir, f), ...sizes));
}
console.log(row('total', ...total));
