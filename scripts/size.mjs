// Prints the bytes of each file of the release build: raw, gzip -9 and brotli (quality 11),
// which is what a first visit costs over the wire with each encoding, then what the wasm is
// made of (code, the words it shows, and other data) to say where size can come from.
// `scripts/bench.mjs` imports `fileSizes` to set the page beside the floor.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const brotli = (data) =>
  zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

/// The wasm's code and data sections, and its data split into text (runs of six or more
/// printable bytes: messages, names, paths) and the rest (tables, panic locations, vtables).
export function wasmParts(data) {
  const leb = (at) => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = data[at++];
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (byte < 0x80) return [value, at];
    }
  };
  const parts = { code: Buffer.alloc(0), data: Buffer.alloc(0) };
  for (let at = 8; at < data.length; ) {
    const id = data[at];
    const [size, start] = leb(at + 1);
    if (id === 10) parts.code = data.subarray(start, start + size);
    if (id === 11) parts.data = data.subarray(start, start + size);
    at = start + size;
  }
  const text = [];
  const rest = [];
  let run = [];
  for (const byte of [...parts.data, 0]) {
    if ((byte >= 0x20 && byte < 0x7f) || byte === 0x0a || byte >= 0x80) {
      run.push(byte);
      continue;
    }
    (run.length >= 6 ? text : rest).push(...run, byte);
    run = [];
  }
  return { code: parts.code, text: Buffer.from(text), other: Buffer.from(rest) };
}

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
      brotli: brotli(data),
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
  for (const { name } of sizes.filter((f) => f.name.endsWith('.wasm'))) {
    const parts = wasmParts(fs.readFileSync(path.join(dir, name)));
    console.log(`\nwasm parts, each compressed alone${' '.repeat(22)}raw     brotli`);
    for (const [part, bytes] of Object.entries(parts)) {
      console.log(`${('  ' + part).padEnd(44)} ${String(bytes.length).padStart(10)} ${String(brotli(bytes)).padStart(21)}`);
    }
  }
}
