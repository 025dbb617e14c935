// The token inspector, driven in the real release build: paste tokens, open links, survive garbage.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test, expect, openApp, tokenInput, policyInput, pasteInto } from './fixtures.js';
import {
  circleToken,
  randomText,
  b64url,
  ORG_ID,
  PROJECT_ID,
  USER_ID,
  VCS_ORIGIN,
  VCS_REF,
} from './tokens.js';

test.describe('page shell', () => {
  test('renders the Token and Policy inputs as labelled textareas', async ({ page }) => {
    await openApp(page);
    await expect(page).toHaveTitle(/claimcheck/);
    expect(await tokenInput(page).evaluate((el) => el.tagName)).toBe('TEXTAREA');
    expect(await policyInput(page).evaluate((el) => el.tagName)).toBe('TEXTAREA');
  });

  test('ships a strict CSP whose script hash matches the inline loader', async ({ request }) => {
    const response = await request.get('./');
    expect(response.status()).toBe(200);
    const html = await response.text();
    const csp = html.match(/http-equiv="Content-Security-Policy"\s+content="([^"]+)"/)?.[1];
    expect(csp, 'CSP meta tag').toBeTruthy();
    expect(csp).not.toContain('CSP_INLINE_SCRIPT_HASHES');
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'self';");
    expect(csp).not.toContain('unsafe-inline');
    const inline = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)].filter(([, attrs]) => !/src=/.test(attrs));
    expect(inline.length).toBeGreaterThan(0);
    for (const [, , body] of inline) {
      const hash = createHash('sha256').update(body, 'utf8').digest('base64');
      expect(csp).toContain(`'sha256-${hash}'`);
    }
    // Relative asset URLs only, so dist/ works under any sub-path.
    expect(html).not.toMatch(/(href|src)="\/[^/]/);
    expect(html).not.toMatch(/from '\/[^/]/);
  });

  test('runs under a nested sub-path of a static host', async ({ page }) => {
    const requested = [];
    page.on('request', (req) => requested.push(new URL(req.url()).pathname));
    await page.goto('/hosted/under/a/sub-path/');
    await expect(tokenInput(page)).toBeVisible();
    await tokenInput(page).fill(circleToken({ version: 'v1' }));
    await expect(page.locator('[data-sub-version="v1"]')).toBeVisible();
    expect(requested.length).toBeGreaterThan(1);
    for (const path of requested) expect(path.startsWith('/hosted/under/a/sub-path/')).toBe(true);
  });
});

test.describe('token inspector', () => {
  test('a V1 token shows sub version v1 and its org, project and user segments', async ({ page }) => {
    await openApp(page);
    await tokenInput(page).fill(circleToken({ version: 'v1' }));
    const sub = page.locator('[data-sub-version="v1"]');
    await expect(sub).toBeVisible();
    await expect(sub.locator('.seg-org .seg-text')).toHaveText(ORG_ID);
    await expect(sub.locator('.seg-project .seg-text')).toHaveText(PROJECT_ID);
    await expect(sub.locator('.seg-user .seg-text')).toHaveText(USER_ID);
    await expect(sub.locator('.seg-vcs-origin, .seg-vcs-ref, .seg-unknown')).toHaveCount(0);
    await expect(sub.locator('.sub-variable')).toHaveText('Carried by $CIRCLE_OIDC_TOKEN');
    await expect(page.locator('[data-sub-version="v2"]')).toHaveCount(0);
  });

  test('a V2 token shows sub version v2 with its vcs-origin and vcs-ref segments', async ({ page }) => {
    await openApp(page);
    await tokenInput(page).fill(circleToken({ version: 'v2' }));
    const sub = page.locator('[data-sub-version="v2"]');
    await expect(sub).toBeVisible();
    await expect(sub.locator('.seg-org .seg-text')).toHaveText(ORG_ID);
    await expect(sub.locator('.seg-project .seg-text')).toHaveText(PROJECT_ID);
    await expect(sub.locator('.seg-user .seg-text')).toHaveText(USER_ID);
    await expect(sub.locator('.seg-vcs-origin .seg-text')).toHaveText(VCS_ORIGIN);
    await expect(sub.locator('.seg-vcs-ref .seg-text')).toHaveText(VCS_REF);
    await expect(sub.locator('.seg-unknown')).toHaveCount(0);
    await expect(sub.locator('.sub-variable')).toHaveText('Carried by $CIRCLE_OIDC_TOKEN_V2');
    await expect(page.locator('[data-sub-version="v1"]')).toHaveCount(0);
  });

  test('a pasted "Bearer " token with surrounding quotes still decodes', async ({ page }) => {
    await openApp(page);
    await tokenInput(page).fill(`"Bearer ${circleToken({ version: 'v2' })}"\n`);
    await expect(page.locator('[data-sub-version="v2"]')).toBeVisible();
  });

  test('the claims copy as pretty JSON in the token\'s order, and the sub as its value', async ({ page, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await openApp(page);
    const token = circleToken({ version: 'v2' });
    await tokenInput(page).fill(token);
    const copy = page.locator('.claims-view .copy-button');
    await expect(copy).toHaveAccessibleName('Copy claims as JSON');
    await copy.click();
    await expect(copy).toHaveText(/^Copied/);
    const payload = Buffer.from(token.split('.')[1], 'base64url').toString('utf8');
    const claims = JSON.parse(payload);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(JSON.stringify(claims, null, 2));
    // The sub copies as the claim's value, without the segment labels shown between its parts.
    const subCopy = page.locator('.sub-view .sub-copy .copy-button');
    await expect(subCopy).toHaveAccessibleName('Copy sub');
    await subCopy.click();
    await expect(subCopy).toHaveText(/^Copied/);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(claims.sub);
  });

  test('switching from a V2 to a V1 token updates the view', async ({ page }) => {
    await openApp(page);
    await tokenInput(page).fill(circleToken({ version: 'v2' }));
    await expect(page.locator('[data-sub-version="v2"]')).toBeVisible();
    await tokenInput(page).fill(circleToken({ version: 'v1' }));
    await expect(page.locator('[data-sub-version="v1"]')).toBeVisible();
    await expect(page.locator('[data-sub-version="v2"]')).toHaveCount(0);
  });
});

test.describe('links', () => {
  test('#token=<JWT>&at=<unix> reopens the token decoded', async ({ page }) => {
    const iat = 1764115200;
    const token = circleToken({ version: 'v2', iat });
    await openApp(page, `#token=${token}&at=${iat + 600}`);
    await expect(tokenInput(page)).toHaveValue(token);
    const sub = page.locator('[data-sub-version="v2"]');
    await expect(sub).toBeVisible();
    await expect(sub.locator('.seg-vcs-origin .seg-text')).toHaveText(VCS_ORIGIN);
  });
});

test.describe('bad input', () => {
  test('garbage in the payload is named, and the page keeps working', async ({ page }) => {
    await openApp(page);
    const header = b64url({ alg: 'RS256', kid: 'k', typ: 'JWT' });
    await tokenInput(page).fill(`${header}.@@@@.c2ln`);
    await expect(page.getByText(/the payload segment is not base64url/).first()).toBeVisible();
    await expect(page.locator('[data-sub-version="v1"], [data-sub-version="v2"]')).toHaveCount(0);

    await tokenInput(page).fill(circleToken({ version: 'v1' }));
    await expect(page.locator('[data-sub-version="v1"]')).toBeVisible();
    await expect(page.getByText(/the payload segment is not base64url/)).toHaveCount(0);
  });

  test('a token cut off when copied shows the claims before the cut, and no verdict', async ({ page }) => {
    await openApp(page);
    const [header, payload] = circleToken({ version: 'v2' }).split('.');
    // The payload's first two thirds: the claims written before the cut are whole.
    await tokenInput(page).fill(`${header}.${payload.slice(0, Math.floor((payload.length * 2) / 3))}`);
    await expect(page.getByText(/the payload stops before its end, so the token was cut off when it was copied/)).toBeVisible();
    const table = page.locator('.claims-view table', { has: page.locator('caption', { hasText: 'Claims before the cut' }) });
    await expect(table).toBeVisible();
    expect(await table.locator('tbody tr').count()).toBeGreaterThan(0);
    await policyInput(page).fill('{"Version": "2012-10-17", "Statement": []}');
    await expect(page.locator('[data-verdict="allow"], [data-verdict="deny"]')).toHaveCount(0);
  });

  test('a token that is not JSON inside names the segment', async ({ page }) => {
    await openApp(page);
    await tokenInput(page).fill(`${b64url('{"alg": "RS256",')}.${b64url({ sub: 'x' })}.c2ln`);
    await expect(page.getByText(/the header segment is not JSON at line 1, column/).first()).toBeVisible();
  });

  test('1 MB of random text gets a clear error and the page stays responsive', async ({ page }) => {
    // Generous limits: the UI analyses large pastes after a pause, and CI shares 2 loaded cores.
    test.setTimeout(90_000);
    await openApp(page);
    const started = Date.now();
    await pasteInto(tokenInput(page), randomText(1024 * 1024));
    await expect(page.getByText(/this is not a JWT: a token is three base64url parts/).first()).toBeVisible({ timeout: 40_000 });
    await tokenInput(page).fill(circleToken({ version: 'v2' }));
    await expect(page.locator('[data-sub-version="v2"]')).toBeVisible({ timeout: 20_000 });
    expect(Date.now() - started, 'milliseconds to survive 1 MB and recover').toBeLessThan(60_000);
  });
});

test.describe('text fields', () => {
  test('follow every way the inputs change: typing, an example, a link, Clear', async ({ page }) => {
    const examples = new URL('../../static/examples/', import.meta.url);
    const exampleToken = readFileSync(new URL('v1-allow.jwt', examples), 'utf8').trim();
    const examplePolicy = readFileSync(new URL('v1-allow.policy.json', examples), 'utf8');

    await openApp(page);
    const typed = circleToken({ version: 'v1' });
    await tokenInput(page).fill(typed);
    await expect(tokenInput(page)).toHaveValue(typed);
    await expect(page.locator('[data-sub-version="v1"]')).toBeVisible();

    await page.locator('details.examples-menu > summary').click();
    await page.locator('button[data-example="v1-allow"]').click();
    await expect(tokenInput(page)).toHaveValue(exampleToken);
    await expect(policyInput(page)).toHaveValue(examplePolicy);
    await expect(page.locator('[data-verdict="allow"]')).toBeVisible();

    // Typing in the example's policy keeps what was typed (the field is not rewritten under the caret).
    await policyInput(page).focus();
    await policyInput(page).evaluate((el) => el.setSelectionRange(el.value.length, el.value.length));
    await page.keyboard.type(' ');
    await expect(policyInput(page)).toHaveValue(`${examplePolicy} `);
    await expect(page.locator('[data-verdict="allow"]')).toBeVisible();

    const linked = circleToken({ version: 'v2' });
    await page.evaluate((t) => (location.hash = `#token=${t}`), linked);
    await expect(tokenInput(page)).toHaveValue(linked);
    await expect(policyInput(page)).toHaveValue('');
    await expect(page.locator('[data-sub-version="v2"]')).toBeVisible();

    await page.getByRole('button', { name: 'Clear' }).click();
    await expect(tokenInput(page)).toHaveValue('');
    await expect(page.locator('[data-sub-version]')).toHaveCount(0);
  });
});

test('a static shell shows the title and a loading line while the wasm loads, and the app replaces it', async ({ page }) => {
  // Hold the wasm back: what a visitor on a slow link sees first.
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route('**/*.wasm', async (route) => { await held; await route.continue(); });
  await page.goto('./');
  await expect(page.locator('#boot h1')).toHaveText('claimcheck');
  await expect(page.locator('#boot .verdict-headline')).toContainText('Loading claimcheck');
  await expect(page.getByLabel('Token', { exact: true })).toHaveCount(0);
  release();
  await expect(page.getByLabel('Token', { exact: true })).toBeVisible();
  await expect(page.locator('#boot')).toHaveCount(0);
  await expect(page.locator('h1')).toHaveCount(1);
  await expect(page.locator('.verdict-headline')).toHaveText(/Paste a token and a policy/);
});
