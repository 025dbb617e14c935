// Trunk post_build step (run by scripts/post-build.mjs): puts the hashes of the page's inline scripts (Trunk's
// module loader, the early compile) into the Content-Security-Policy meta tag of the staged index.html, replacing
// the CSP_INLINE_SCRIPT_HASHES placeholder. Fails the build when the placeholder or the loader is missing, so the
// page can never ship with a policy that blocks its own loader.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { stagedIndex } from './staged-index.mjs';

const PLACEHOLDER = 'CSP_INLINE_SCRIPT_HASHES';

const { file, html, fail } = stagedIndex('csp-hash');

const hashes = [];
for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
  const [, attrs, body] = match;
  if (/\bsrc\s*=/i.test(attrs)) continue;
  hashes.push(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
}
if (hashes.length === 0) fail(`no inline script found in ${file}: expected Trunk's module loader`);

const occurrences = html.split(PLACEHOLDER).length - 1;
if (occurrences !== 1) fail(`expected the ${PLACEHOLDER} placeholder once in ${file}, found it ${occurrences} times`);

writeFileSync(file, html.replace(PLACEHOLDER, hashes.join(' ')));
console.log(`csp-hash: script-src allows ${hashes.length} inline script(s): ${hashes.join(' ')}`);
