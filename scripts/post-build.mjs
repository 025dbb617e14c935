// Trunk's one post_build hook: rewrites the staged index.html in order. (Trunk 0.21 starts all hooks of a stage
// at once, so two hooks editing the same file would race: they run here, one after the other.)
//   1. early-compile.mjs: compile the wasm while it downloads;
//   2. csp-hash.mjs: the hashes of every inline script, the early compile's included, into the CSP.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
for (const step of ['early-compile.mjs', 'csp-hash.mjs']) {
  const run = spawnSync(process.execPath, [join(here, step)], { stdio: 'inherit' });
  if (run.status !== 0) {
    console.error(`post-build: ${step} failed (${run.error?.message ?? `exit status ${run.status}`})`);
    process.exit(1);
  }
}
