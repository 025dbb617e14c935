// Hostable anywhere, and fully offline:
// - dist/ served from a nested sub-path of another host works, and its share links keep that path;
// - the single-file build (scripts/single-html.mjs, as scripts/build-single.sh runs it) works opened from disk
//   (file://) with the network off, under its own strict CSP.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test, expect } from '@playwright/test';
import { circleToken } from './tokens.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const DIST = join(ROOT, 'dist');
const AT = 1764115800;

const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};

/** Records console errors and page errors of `page`. */
function watch(page) {
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  return errors;
}

/** Serves dist/ under `prefix` (another host) to `context`; what was served and refused is recorded. */
async function serveDist(context, prefix, types = TYPES) {
  const served = [];
  const refused = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (!url.startsWith(prefix)) {
      refused.push(url);
      return route.abort('blockedbyclient');
    }
    const rel = new URL(url).pathname.slice(new URL(prefix).pathname.length) || 'index.html';
    const file = join(DIST, rel);
    if (rel.includes('..') || !existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
    served.push(rel);
    return route.fulfill({ body: readFileSync(file), contentType: types[extname(file)] ?? 'application/octet-stream' });
  });
  return { served, refused };
}

test('dist/ works under /a/b/claimcheck/ of another host, and its links keep the path', async ({ browser }) => {
  const context = await browser.newContext();
  const prefix = 'http://static.invalid/a/b/claimcheck/';
  const { served, refused } = await serveDist(context, prefix);
  const page = await context.newPage();
  const errors = watch(page);
  await page.goto(`${prefix}#at=${AT}`);
  await page.getByLabel('Token', { exact: true }).fill(circleToken({ version: 'v1' }));
  await expect(page.locator('[data-sub-version="v1"]')).toBeVisible();
  const link = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
  expect(link.startsWith(`${prefix}#v1.`)).toBe(true);
  const again = await context.newPage();
  await again.goto(link);
  await expect(again.locator('[data-sub-version="v1"]')).toBeVisible();
  expect(served.some((f) => f.endsWith('.wasm'))).toBe(true);
  expect(refused).toEqual([]);
  expect(errors).toEqual([]);
  await context.close();
});

// The page starts compiling the wasm while it downloads (scripts/early-compile.mjs), from the same request as
// the preload; a host that serves wasm with another MIME type makes that fail, and the loader falls back.
for (const wasmType of ['application/wasm', 'application/octet-stream']) {
  test(`the wasm is fetched once and the page works when the host serves it as ${wasmType}`, async ({ browser }) => {
    const context = await browser.newContext();
    const prefix = 'http://static.invalid/claimcheck/';
    const { served, refused } = await serveDist(context, prefix, { ...TYPES, '.wasm': wasmType });
    const page = await context.newPage();
    const errors = watch(page);
    await page.goto(`${prefix}#at=${AT}`);
    await page.getByLabel('Token', { exact: true }).fill(circleToken({ version: 'v2' }));
    await expect(page.locator('[data-sub-version="v2"]')).toBeVisible();
    expect(await page.locator('script[data-early-compile]').count()).toBe(1);
    const wasmRequests = served.filter((f) => f.endsWith('.wasm')).length;
    // With the right type, one request serves the preload, the early compile and the loader; with another type
    // the loader fetches it again (from the HTTP cache on a real host).
    if (wasmType === 'application/wasm') expect(wasmRequests).toBe(1);
    else expect(wasmRequests).toBeGreaterThanOrEqual(1);
    expect(refused).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
}

test.describe('single-file build', () => {
  let file;

  test.beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'claimcheck-single-'));
    file = join(dir, 'claimcheck.html');
    execFileSync('node', [join(ROOT, 'scripts', 'single-html.mjs'), DIST, file], { stdio: 'pipe' });
  });

  test('is one file with a strict CSP and no external references', () => {
    const html = readFileSync(file, 'utf8');
    const csp = html.match(/http-equiv="Content-Security-Policy"\s+content="([^"]+)"/)?.[1] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("'wasm-unsafe-eval'");
    expect(csp).toContain("connect-src 'none'");
    expect(csp).toMatch(/script-src 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain("'self'");
    const withoutScripts = html.replace(/<script[\s\S]*?<\/script>/gi, '');
    expect(withoutScripts).not.toMatch(/\b(src|href)\s*=\s*["'](?!data:)/i);
  });

  test('works from file:// with the network off', async ({ browser }) => {
    // The network is blocked: every request other than the file itself is recorded and aborted.
    const context = await browser.newContext();
    const fileUrl = pathToFileURL(file).href;
    const requests = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(fileUrl)) return route.continue();
      requests.push(url);
      return route.abort('internetdisconnected');
    });
    const page = await context.newPage();
    const errors = watch(page);
    page.on('request', (r) => {
      if (!r.url().startsWith(fileUrl)) requests.push(r.url());
    });
    await page.goto(`${fileUrl}#at=${AT}`);
    const token = circleToken({ version: 'v2' });
    await page.getByLabel('Token', { exact: true }).fill(token);
    await expect(page.locator('[data-sub-version="v2"]')).toBeVisible();
    await expect(page.locator('.claims-view')).toBeVisible();
    // Share links work from disk too.
    const link = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
    expect(link.startsWith(`${fileUrl}#v1.`)).toBe(true);
    const again = await context.newPage();
    const againErrors = watch(again);
    await again.goto(link);
    await expect(again.locator('[data-sub-version="v2"]')).toBeVisible();
    await expect(again.getByText('Signature removed; this token cannot be replayed.')).toBeVisible();
    expect(requests.filter((u) => !u.startsWith('data:'))).toEqual([]);
    expect(errors).toEqual([]);
    expect(againErrors).toEqual([]);
    await context.close();
  });
});
