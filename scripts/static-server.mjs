#!/usr/bin/env node
// A tiny static file server for dist/ (development and browser tests only; any static host serves the real
// thing). Listens on 127.0.0.1 only, serves GET/HEAD, never leaves the root directory. Like real static hosts,
// it compresses text and wasm for clients that accept it (Brotli, else gzip), so page-speed measurements see
// realistic transfer sizes; `--encodings gzip` behaves like a host that only gzips (e.g. GitHub Pages).
//
//   node scripts/static-server.mjs [--root dist] [--port 8080] [--prefix /some/sub/path/] [--encodings br,gzip]
//
// --prefix additionally serves the same files under a sub-path, to check relative asset URLs.
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import { extname, resolve, sep } from 'node:path';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

// The best each encoding does (what a host that precompresses its files serves). Off the event loop.
const ENCODERS = {
  br: (bytes) =>
    promisify(brotliCompress)(bytes, {
      params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }),
  gzip: (bytes) => promisify(gzip)(bytes, { level: 9 }),
};

function parseArgs(argv) {
  const opts = { root: 'dist', port: 8080, prefix: null, encodings: ['br', 'gzip'] };
  for (let i = 0; i < argv.length; i += 1) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--root') opts.root = value;
    else if (flag === '--port') opts.port = Number(value);
    else if (flag === '--prefix') opts.prefix = value.endsWith('/') ? value : `${value}/`;
    else if (flag === '--encodings') opts.encodings = (value ?? '').split(',').filter(Boolean);
    else {
      console.error(`static-server: unknown argument \`${flag}\``);
      process.exit(2);
    }
    i += 1;
  }
  const unknown = opts.encodings.filter((e) => !ENCODERS[e]);
  if (unknown.length) {
    console.error(`static-server: unknown encoding \`${unknown[0]}\`: use br, gzip or both (--encodings br,gzip)`);
    process.exit(2);
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    console.error('static-server: --port needs a number from 0 to 65535');
    process.exit(2);
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const root = await realpath(resolve(opts.root)).catch(() => {
  console.error(`static-server: root directory \`${opts.root}\` does not exist: build first (scripts/build.sh)`);
  process.exit(2);
});

// Compressed once per file version (path, size, modification time) and encoding; every file under root is
// compressed before the server listens (Brotli's best takes about 2 s for the wasm), so no request waits for it.
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.wasm', '.css', '.json', '.svg', '.txt', '.map', '.webmanifest']);
const compressed = new Map();
function compressedOf(found, encoding) {
  const key = `${found.file}\0${found.size}\0${found.mtimeMs}\0${encoding}`;
  let body = compressed.get(key);
  if (!body) {
    body = readFile(found.file).then(ENCODERS[encoding]);
    body.catch(() => compressed.delete(key));
    compressed.set(key, body);
  }
  return body;
}
async function precompress(dir) {
  const jobs = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !COMPRESSIBLE.has(extname(entry.name).toLowerCase())) continue;
    const file = resolve(entry.parentPath ?? entry.path, entry.name);
    const info = await stat(file);
    for (const encoding of opts.encodings) jobs.push(compressedOf({ file, size: info.size, mtimeMs: info.mtimeMs }, encoding));
  }
  await Promise.allSettled(jobs);
}

/** Whether an Accept-Encoding header accepts `encoding` (named, and not refused with `;q=0`). */
function accepts(header, encoding) {
  return (header ?? '').split(',').some((part) => {
    const [name, ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    return name === encoding && !params.some((p) => /^q\s*=\s*0(\.0*)?$/.test(p));
  });
}

function send(res, status, text) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

// Maps a request path to a file inside root, or null.
async function locate(urlPath) {
  let path = urlPath;
  if (opts.prefix && path.startsWith(opts.prefix)) path = `/${path.slice(opts.prefix.length)}`;
  let decoded;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  let file = resolve(root, `.${decoded}`);
  if (file !== root && !file.startsWith(root + sep)) return null;
  try {
    let info = await stat(file);
    if (info.isDirectory()) {
      file = resolve(file, 'index.html');
      info = await stat(file);
    }
    if (!info.isFile()) return null;
    // Symlinks must not lead out of root either.
    const real = await realpath(file);
    if (!real.startsWith(root + sep)) return null;
    return { file: real, size: info.size, mtimeMs: info.mtimeMs };
  } catch {
    return null;
  }
}

const server = createServer(async (req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    send(res, 405, 'method not allowed\n');
    return;
  }
  let pathname;
  try {
    pathname = new URL(req.url, 'http://127.0.0.1').pathname;
  } catch {
    send(res, 400, 'bad request\n');
    return;
  }
  const found = await locate(pathname);
  if (!found) {
    send(res, 404, 'not found\n');
    return;
  }
  const headers = {
    'Content-Type': MIME[extname(found.file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': found.size,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
  let body = null;
  if (COMPRESSIBLE.has(extname(found.file).toLowerCase())) {
    headers.Vary = 'Accept-Encoding';
    const encoding = opts.encodings.find((e) => accepts(req.headers['accept-encoding'], e));
    if (encoding) {
      try {
        body = await compressedOf(found, encoding);
      } catch {
        send(res, 500, 'could not read the file\n');
        return;
      }
      headers['Content-Encoding'] = encoding;
      headers['Content-Length'] = body.length;
    }
  }
  res.writeHead(200, headers);
  if (req.method === 'HEAD') {
    res.end();
  } else if (body) {
    res.end(body);
  } else {
    createReadStream(found.file)
      .on('error', () => res.destroy())
      .pipe(res);
  }
});

server.on('error', (err) => {
  console.error(`static-server: ${err.message}`);
  process.exit(1);
});
await precompress(root).catch(() => {});
server.listen(opts.port, '127.0.0.1', () => {
  const { port } = server.address();
  console.log(`static-server: serving ${root} on http://127.0.0.1:${port}/`);
  if (opts.prefix) console.log(`static-server: also under http://127.0.0.1:${port}${opts.prefix}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
