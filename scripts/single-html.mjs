// Turn the release dist/ (Trunk's index.html, JS glue, wasm, stylesheet, icon) into ONE self-contained HTML file
// that works opened straight from disk (file://) with no network at all:
//   node scripts/single-html.mjs [dist-dir] [output-file]        (defaults: dist dist-single/claimcheck.html)
// - the wasm is inlined as base64 and instantiated from bytes (no fetch);
// - the wasm-bindgen JS glue becomes the body of the one inline module script, which then starts the app;
// - the stylesheet becomes an inline <style>, the icon a data: URL;
// - the Content-Security-Policy is rewritten for a page that loads nothing: the hashes of the inline script and
//   style, 'wasm-unsafe-eval', connect-src 'none', no 'unsafe-inline'.
// Fails loudly when dist/ does not look like Trunk's output, rather than writing a page that cannot start.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

function fail(message) {
  console.error(`single-html: ${message}`);
  process.exit(1);
}

const distDir = resolve(process.argv[2] ?? 'dist');
const outFile = resolve(process.argv[3] ?? 'dist-single/claimcheck.html');

let html;
try {
  html = readFileSync(join(distDir, 'index.html'), 'utf8');
} catch (e) {
  fail(`cannot read ${join(distDir, 'index.html')} (${e.code}): build dist/ first (scripts/build.sh)`);
}

/** A local asset referenced as `./name` (or `name`), read from dist/. */
function asset(ref, encoding) {
  if (/^[a-z]+:|^\/\//i.test(ref)) fail(`the page references a non-local asset \`${ref}\``);
  const path = join(distDir, ref.replace(/^\.\//, ''));
  try {
    return readFileSync(path, encoding);
  } catch (e) {
    fail(`cannot read asset \`${ref}\` (${e.code})`);
  }
}

const sha256 = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

// 1. Trunk's inline module loader names the glue and the wasm. The early-compile script (scripts/early-compile.mjs)
//    fetches the wasm file, which this page does not have: it goes.
html = html.replace(/<script\b[^>]*\bdata-early-compile\b[^>]*>[\s\S]*?<\/script>/gi, '');
const loaders = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)].filter(([, attrs]) => !/\bsrc\s*=/i.test(attrs));
if (loaders.length !== 1) fail(`expected exactly one inline loader script in index.html, found ${loaders.length}`);
const [loaderTag, , loaderBody] = loaders[0];
const glueRef = loaderBody.match(/from\s+['"]([^'"]+\.js)['"]/)?.[1];
const wasmRef = loaderBody.match(/['"]([^'"]+\.wasm)['"]/)?.[1];
if (!glueRef || !wasmRef) fail('the loader script does not name a .js glue and a .wasm file: is this Trunk output?');
if (/<script\b[^>]*\bsrc\s*=/i.test(html)) fail('index.html loads an external script: not supported');

// 2. The glue: an ES module. Keep it as the inline module's code; call its default export (the async init) with
//    the wasm bytes.
let glue = asset(glueRef, 'utf8');
if (/^\s*import\s/m.test(glue)) fail(`the glue \`${glueRef}\` imports other files (wasm-bindgen snippets): not supported`);
const initName =
  glue.match(/export\s+default\s+([A-Za-z_$][\w$]*)\s*;/)?.[1] ??
  glue.match(/export\s*\{[^}]*\b([A-Za-z_$][\w$]*)\s+as\s+default\b[^}]*\}/)?.[1];
if (!initName) fail(`no \`export default <init>\` in the glue \`${glueRef}\``);
glue = glue.replace(/^\s*\/\/# sourceMappingURL=.*$/gm, '');
const wasmBase64 = asset(wasmRef).toString('base64');
// In a block: the glue has top-level names of its own (e.g. `wasm`).
const script = `${glue}
{
  const bytes = Uint8Array.from(atob("${wasmBase64}"), (c) => c.charCodeAt(0));
  const instance = await ${initName}({ module_or_path: bytes });
  dispatchEvent(new CustomEvent("TrunkApplicationStarted", { detail: { wasm: instance } }));
}
`;
if (/<\/script/i.test(script)) fail('the glue contains `</script`: cannot inline it safely');

// 3. Stylesheets inline, icons as data: URLs, preloads dropped (there is nothing to fetch).
const styles = [];
let out = html.replace(loaderTag, () => `<script type="module">${script}</script>`);
out = out.replace(/<link\b[^>]*>/gi, (tag) => {
  const rel = tag.match(/\brel\s*=\s*["']([^"']+)["']/i)?.[1]?.toLowerCase() ?? '';
  const href = tag.match(/\bhref\s*=\s*["']([^"']+)["']/i)?.[1];
  if (rel === 'modulepreload' || rel === 'preload') return '';
  if (rel === 'stylesheet') {
    const css = asset(href, 'utf8');
    if (/<\/style/i.test(css)) fail(`the stylesheet \`${href}\` contains \`</style\``);
    styles.push(css);
    return `<style>${css}</style>`;
  }
  if (rel.split(/\s+/).includes('icon')) {
    const type = href.endsWith('.svg') ? 'image/svg+xml' : href.endsWith('.png') ? 'image/png' : 'image/x-icon';
    return `<link rel="icon" href="data:${type};base64,${asset(href).toString('base64')}">`;
  }
  fail(`unexpected <link rel="${rel}"> in index.html: ${tag}`);
});
if (/\b(src|href)\s*=\s*["'](?!data:|#)[^"']+["']/i.test(out.replace(/<script[\s\S]*?<\/script>/gi, ''))) {
  fail('the page still references an external file after inlining');
}

// 4. The CSP for a page that loads nothing.
const csp = [
  "default-src 'none'",
  `script-src 'wasm-unsafe-eval' ${sha256(script)}`,
  `style-src ${styles.map(sha256).join(' ') || "'none'"}`,
  'img-src data:',
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
const cspMeta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="[^"]*"\s*\/?>/i;
if (!cspMeta.test(out)) fail('no Content-Security-Policy meta tag in index.html');
out = out.replace(cspMeta, () => `<meta http-equiv="Content-Security-Policy" content="${csp}" />`);

mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, out);
console.log(`single-html: wrote ${outFile} (${out.length} bytes; wasm ${wasmBase64.length} base64 chars)`);
