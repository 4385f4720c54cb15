// A plain static host on loopback, as a documentation site or a GitHub Pages project site
// is: the release build's files under a sub-path (`/tools/dbx-check/`), nothing at the root
// and no relay. Like such hosts it answers a folder address without its slash with a
// redirect to the folder. It records every path asked for.
import http from 'node:http';
import path from 'node:path';
import { TYPES, sendFile } from '../../../scripts/serve.mjs';

/// Serves `dir` under `prefix` (which starts and ends with `/`) on 127.0.0.1 and a free
/// port; `files` adds pages at other paths (path → HTML text), for a documentation page.
export async function serveStaticHost(dir, { prefix = '/tools/dbx-check/', files = {} } = {}) {
  const base = path.resolve(dir);
  const asked = [];
  const server = http.createServer(async (req, res) => {
    const { pathname } = new URL(req.url, 'http://local');
    asked.push(pathname);
    const notFound = () => res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    if (files[pathname] !== undefined) {
      res.writeHead(200, { 'content-type': TYPES['.html'], 'cache-control': 'no-store' });
      res.end(files[pathname]);
      return;
    }
    if (pathname === prefix.slice(0, -1)) {
      res.writeHead(301, { location: prefix }).end();
      return;
    }
    if (!pathname.startsWith(prefix)) return notFound();
    let name;
    try {
      name = decodeURIComponent(pathname.slice(prefix.length)) || 'index.html';
    } catch {
      return notFound();
    }
    const file = path.resolve(base, name);
    if (!file.startsWith(base + path.sep)) return notFound();
    await sendFile(req, res, file);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    url: origin + prefix,
    /// Every path asked for so far, oldest first.
    asked,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
