// The staged index.html that a Trunk post_build step rewrites (scripts/post-build.mjs runs the steps in order):
// its path, its text, and `fail`, which names the step and stops the build.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function stagedIndex(step) {
  const fail = (message) => {
    console.error(`${step}: ${message}`);
    process.exit(1);
  };
  const staging = process.env.TRUNK_STAGING_DIR;
  if (!staging) fail('TRUNK_STAGING_DIR is not set: run me from scripts/post-build.mjs (a Trunk post_build hook)');
  const file = join(staging, 'index.html');
  return { file, html: readFileSync(file, 'utf8'), fail };
}
