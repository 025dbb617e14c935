// Trunk post_build step, run by scripts/post-build.mjs before csp-hash.mjs: compile the wasm while it downloads.
//
// Trunk's loader is a module script, and module scripts wait for the document to be parsed and for the JS glue
// to arrive; only then does it fetch and compile the wasm, whose bytes by then are already here (preloaded), so
// the whole compilation sits on the critical path of an opened link. This adds a small classic script right
// after the wasm's preload link that starts `WebAssembly.compileStreaming` as soon as the parser reaches it, and
// makes the loader instantiate that module. A host that serves the wasm with another MIME type than
// `application/wasm` makes compileStreaming fail: the loader then falls back to the path, as before.
// (scripts/single-html.mjs drops the early script: its page has no wasm file to fetch.)
// Fails the build when Trunk's output does not look as expected, rather than silently losing the speed-up.
import { writeFileSync } from 'node:fs';
import { stagedIndex } from './staged-index.mjs';

const { file, html: staged, fail } = stagedIndex('early-compile');
let html = staged;

const preload = html.match(/<link\b[^>]*\brel="preload"[^>]*\bhref="([^"]+\.wasm)"[^>]*>/i);
if (!preload) fail(`no <link rel="preload"> of a .wasm file in ${file}: is this Trunk's output?`);
const [preloadTag, wasm] = preload;
if (!/^[\w./-]+$/.test(wasm)) fail(`unexpected characters in the wasm path \`${wasm}\``);

const initCall = `init({ module_or_path: '${wasm}' })`;
if (html.split(initCall).length !== 2) fail(`expected Trunk's loader to call \`${initCall}\` once in ${file}`);
html = html.replace(initCall, `init({ module_or_path: (await window.__claimcheckWasm) ?? '${wasm}' })`);

// Where compileStreaming is missing, the loader does as before.
const compile = `WebAssembly.compileStreaming(fetch('${wasm}')).catch(() => null)`;
const early = `<script data-early-compile>window.__claimcheckWasm = typeof WebAssembly === 'object' && WebAssembly.compileStreaming ? ${compile} : null;</script>`;
html = html.replace(preloadTag, `${preloadTag}${early}`);

writeFileSync(file, html);
console.log(`early-compile: the wasm \`${wasm}\` is compiled while it downloads`);
