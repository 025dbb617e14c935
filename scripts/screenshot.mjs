#!/usr/bin/env node
// Takes docs/screenshot.png of the built page (dist/) with a built-in example loaded.
//   node scripts/screenshot.mjs [example-name]      (build first: scripts/build.sh)
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const example = process.argv[2] ?? process.env.EXAMPLE ?? '';
const port = 4199;

const server = spawn(process.execPath, [join(root, 'scripts/static-server.mjs'), '--root', join(root, 'dist'), '--port', String(port)], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise((resolve, reject) => {
  server.stdout.once('data', resolve);
  server.once('exit', (code) => reject(new Error(`static server exited with ${code}`)));
});

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1200, height: 820 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${port}/${example ? `#example=${example}` : ''}`);
  await page.getByLabel('Token', { exact: true }).waitFor();
  if (example) await page.locator('[data-verdict], [data-sub-version]').first().waitFor();
  await page.evaluate(() => document.fonts.ready);
  mkdirSync(join(root, 'docs'), { recursive: true });
  const out = join(root, 'docs/screenshot.png');
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  server.kill();
}
