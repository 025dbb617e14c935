// Share links in the real release build: round trip, signature removal, redaction, privacy over a whole session,
// hostile content rendered inert.
import { readFileSync } from 'node:fs';
import { test, expect, openApp, tokenInput, policyInput, pasteInto } from './fixtures.js';
import { circleClaims, circleToken, b64url, ORG_ID, PROJECT_ID, USER_ID, KID, v1Sub } from './tokens.js';

const AT = 1764115800; // ten minutes into the life of the default test token (iat 1764115200)
const AT_UTC = '2025-11-26 00:10:00 UTC';

function trustPolicy(subCondition) {
  return JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AllowCircleCI',
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/oidc.circleci.com/org/${ORG_ID}` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: { [`oidc.circleci.com/org/${ORG_ID}:aud`]: ORG_ID },
            ...subCondition,
          },
        },
      ],
    },
    null,
    2,
  );
}

const LIKE_POLICY = trustPolicy({
  StringLike: { [`oidc.circleci.com/org/${ORG_ID}:sub`]: `org/${ORG_ID}/project/${PROJECT_ID}/user/*` },
});
const EXACT_USER_POLICY = trustPolicy({
  StringEquals: {
    [`oidc.circleci.com/org/${ORG_ID}:aud`]: ORG_ID,
    [`oidc.circleci.com/org/${ORG_ID}:sub`]: v1Sub(),
  },
});

const BRANCH_LIKE_POLICY = trustPolicy({
  StringLike: { [`oidc.circleci.com/org/${ORG_ID}:sub`]: `org/${ORG_ID}/*/vcs-ref/refs/heads/*` },
});

/** The link in the read-only field, once it is there. */
async function shareLink(page) {
  const field = page.getByRole('textbox', { name: 'Share link' });
  await expect(field).toHaveValue(/#v1\./);
  return field.inputValue();
}

/** What the results say: the verdict and every check row's result and text. */
async function results(page) {
  const verdict = page.locator('[data-verdict]');
  await expect(verdict).toBeVisible();
  return {
    verdict: await verdict.getAttribute('data-verdict'),
    rows: await page
      .locator('tr.check')
      .evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-check-result'), r.innerText])),
  };
}

/** Opens `link` in a brand-new browser context (no shared storage), like someone who received it. */
async function openInFreshContext(browser, link) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(link);
  await expect(tokenInput(page)).toBeVisible();
  return { context, page, errors };
}

test.describe('share link', () => {
  test('round trip: the link reopens the same verdict and rows, without the signature', async ({ page, browser }) => {
    const token = circleToken({ version: 'v1' });
    await openApp(page, `#at=${AT}`);
    await tokenInput(page).fill(token);
    await policyInput(page).fill(LIKE_POLICY);
    await expect(page.locator('[data-verdict="allow"]')).toBeVisible();
    const before = await results(page);
    expect(before.rows.length).toBeGreaterThan(1);

    const link = await shareLink(page);
    expect(new URL(link).search, 'nothing in the query string').toBe('');
    const signature = token.split('.')[2];
    expect(link).not.toContain(signature);

    const opened = await openInFreshContext(browser, link);
    expect(await results(opened.page)).toEqual(before);
    const [header, payload] = token.split('.');
    await expect(tokenInput(opened.page)).toHaveValue(`${header}.${payload}.`);
    await expect(policyInput(opened.page)).toHaveValue(LIKE_POLICY);
    await expect(opened.page.getByText('Signature removed; this token cannot be replayed.')).toBeVisible();
    // The empty signature is the link's doing: no "copy the whole token" warning for the reader.
    await expect(opened.page.locator('.finding[data-code="token-signature-removed"]')).toBeVisible();
    await expect(opened.page.locator('.finding[data-code="token-unsigned"]')).toHaveCount(0);
    await expect(opened.page.locator('.eval-time')).toContainText(`Evaluated as of ${AT_UTC}`);
    await expect(opened.page.locator('.eval-time time')).toHaveAttribute('datetime', '2025-11-26T00:10:00Z');
    // "Evaluate now" drops the pinned time: the 2025 token is then expired.
    await opened.page.getByRole('button', { name: 'Evaluate now' }).click();
    await expect(opened.page.locator('.eval-time')).toContainText('Evaluated now');
    expect(opened.errors).toEqual([]);
    await opened.context.close();
  });

  test('the copy button puts the same link on the clipboard', async ({ page, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await openApp(page, `#at=${AT}`);
    await tokenInput(page).fill(circleToken({ version: 'v2' }));
    const link = await shareLink(page);
    await page.getByRole('button', { name: 'Copy share link' }).click();
    await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  });

  test('include signature keeps the token whole, and warns', async ({ page, browser }) => {
    const token = circleToken({ version: 'v1' });
    await openApp(page, `#at=${AT}`);
    await tokenInput(page).fill(token);
    const unsigned = await shareLink(page);
    await page.getByLabel(/Include signature/).check();
    await expect(page.getByText(/anyone holding the link can use it/)).toBeVisible();
    await expect(page.getByRole('textbox', { name: 'Share link' })).not.toHaveValue(unsigned);
    const signed = await shareLink(page);
    const opened = await openInFreshContext(browser, signed);
    await expect(tokenInput(opened.page)).toHaveValue(token);
    await expect(opened.page.locator('.share-signature-removed')).toHaveCount(0);
    await opened.context.close();
    // The address bar of the sharing page never carries the signature.
    expect(page.url()).not.toContain(token.split('.')[2]);
  });

  test('a token pasted wrapped, spaced or in standard base64 still leaves its signature out of every link', async ({
    page,
    browser,
  }) => {
    const token = circleToken({ version: 'v1' });
    const [header, payload, signature] = token.split('.');
    const wrapped = token.match(/.{1,76}/g).join('\n');
    const spaced = `${header}.${payload}. ${signature}`;
    const standard = `${header}.${payload}.${signature.replaceAll('-', '+').replaceAll('_', '/')}`;
    // Any 16-character piece of the signature, in either alphabet, is a leak.
    const pieces = [];
    for (let i = 0; i + 16 <= signature.length; i += 8) pieces.push(signature.slice(i, i + 16));
    const leaks = (text) => {
      const flat = text.replace(/\s+/g, '').replaceAll('+', '-').replaceAll('/', '_');
      return pieces.filter((p) => flat.includes(p));
    };
    await openApp(page, `#at=${AT}`);
    for (const pasted of [wrapped, spaced, standard]) {
      await tokenInput(page).fill(pasted);
      await expect(page.locator('.share-meta')).toContainText('signature removed');
      const link = await shareLink(page);
      expect(leaks(decodeURIComponent(link))).toEqual([]);
      expect(leaks(decodeURIComponent(page.url()))).toEqual([]);
      const opened = await openInFreshContext(browser, link);
      await expect(page.locator('.sub-view')).toHaveAttribute('data-sub-version', 'v1');
      await expect(opened.page.locator('.sub-view')).toHaveAttribute('data-sub-version', 'v1');
      expect(leaks(await tokenInput(opened.page).inputValue())).toEqual([]);
      await opened.context.close();
    }
  });

  test('a plain link with an RFC 3339 time and empty parts opens; an unreadable part is noted, the rest loads', async ({
    page,
  }) => {
    const token = circleToken({ version: 'v1' });
    const policy = Buffer.from(LIKE_POLICY, 'utf8').toString('base64url');
    await openApp(page, `#token=${token}&policy=${policy}&at=${new Date(AT * 1000).toISOString()}&keep=`);
    await expect(page.locator('[data-verdict="allow"]')).toBeVisible();
    await expect(page.locator('.eval-time')).toContainText(`Evaluated as of ${AT_UTC}`);
    await page.goto('about:blank');
    await openApp(page, `#token=${token}&policy=${policy}&at=soon`);
    await expect(page.locator('.share-note')).toContainText('ignored the link\'s at');
    await expect(policyInput(page)).toHaveValue(LIKE_POLICY);
    await expect(page.locator('[data-verdict]')).toBeVisible();
  });

  test('redacting the user ID hides it in the token and the policy, and the reader sees the same verdict', async ({
    page,
    browser,
  }) => {
    await openApp(page, `#at=${AT}`);
    await tokenInput(page).fill(circleToken({ version: 'v1' }));
    await policyInput(page).fill(EXACT_USER_POLICY);
    await expect(page.locator('[data-verdict="allow"]')).toBeVisible();
    await page.locator('.share-redact[data-redact="sub.user"] input').check();
    const link = await shareLink(page);
    // Both sides of the `sub` comparison read `<redacted>`: nothing to warn about.
    await expect(page.locator('.share-effect')).toHaveCount(0);

    const opened = await openInFreshContext(browser, link);
    await expect(opened.page.locator('[data-verdict="allow"]')).toBeVisible();
    await expect(opened.page.locator('.share-redacted')).toContainText('sub.user');
    await expect(opened.page.locator('.seg-user')).toContainText('<redacted>');
    const [, payload, signature] = (await tokenInput(opened.page).inputValue()).split('.');
    expect(signature).toBe('');
    expect(Buffer.from(payload, 'base64url').toString('utf8')).not.toContain(USER_ID);
    expect(await policyInput(opened.page).inputValue()).toContain('/user/<redacted>');
    expect(await opened.page.locator('main').innerText()).not.toContain(USER_ID);
    await opened.context.close();
  });

  test('redaction says what it changes when a pattern looked inside the hidden value', async ({ page, browser }) => {
    await openApp(page, `#at=${AT}`);
    await tokenInput(page).fill(circleToken({ version: 'v2' }));
    await policyInput(page).fill(BRANCH_LIKE_POLICY);
    await expect(page.locator('[data-verdict="allow"]')).toBeVisible();
    await page.locator('.share-redact[data-redact="oidc.circleci.com/vcs-ref"] input').check();
    await expect(page.locator('.share-effect[data-code="redaction-changes-verdict"]')).toContainText(
      'the link shows deny instead of allow',
    );
    await expect(page.locator('.share-effect[data-code="redaction-changes-check"]').first()).toContainText('sub');
    const opened = await openInFreshContext(browser, await shareLink(page));
    await expect(opened.page.locator('[data-verdict="deny"]')).toBeVisible();
    await expect(opened.page.locator('.seg-vcs-ref')).toContainText('<redacted>');
    await opened.context.close();
  });

  test('a hostile link gets a clear message and the page keeps working', async ({ page }) => {
    await openApp(page, '#v9.AAAA');
    await expect(page.locator('.notice')).toContainText('this link uses format v9');
    await openApp(page, '#v1.!!!!');
    await expect(page.locator('.notice')).toContainText('is not base64url');
    await tokenInput(page).fill(circleToken({ version: 'v1' }));
    await expect(page.locator('[data-sub-version="v1"]')).toBeVisible();
  });
});

test.describe('what a link keeps', () => {
  test('a token logged in the error text or pasted in the policy loses its signature in the link and the address bar', async ({
    page,
    browser,
  }) => {
    const token = circleToken({ version: 'v1' });
    const signature = token.split('.')[2];
    const [header, payload] = token.split('.');
    const errorText = `+ aws sts assume-role-with-web-identity --web-identity-token ${token}\nAn error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity`;
    await openApp(page, `#at=${AT}`);
    await tokenInput(page).fill(token);
    await policyInput(page).fill(LIKE_POLICY.replace('"Version"', `"Note": "${token}", "Version"`));
    await page.getByRole('button', { name: 'Error text from the job (optional)' }).click();
    await page.getByLabel('Error text from the job', { exact: true }).fill(errorText);
    await expect(page.locator('[data-verdict="allow"]')).toBeVisible();
    const link = await shareLink(page);
    expect(link).not.toContain(signature);
    await expect(page.locator('.share-note')).toHaveText([
      'removed the signature of a token found in the policy',
      'removed the signature of a token found in the error text',
    ]);
    await expect.poll(() => page.url()).toContain('#v1.');
    expect(page.url()).not.toContain(signature);
    const opened = await openInFreshContext(browser, link);
    await opened.page.getByRole('button', { name: 'Error text from the job (optional)' }).click();
    await expect(opened.page.getByLabel('Error text from the job', { exact: true })).toHaveValue(
      errorText.replace(token, `${header}.${payload}.`),
    );
    await opened.context.close();
  });

  test('the share link pins the evaluation time even when the view is not pinned', async ({ page, browser }) => {
    const token = circleToken({ version: 'v1' });
    await openApp(page, `#token=${token}&at=${AT}`);
    await expect(page.locator('.eval-time')).toContainText(`Evaluated as of ${AT_UTC}`);
    await page.getByRole('button', { name: 'Evaluate now' }).click();
    await expect(page.locator('.eval-time')).toContainText('Evaluated now');
    const shown = await page.locator('.eval-time').innerText();
    const time = shown.match(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/)[0];
    await expect(page.locator('.share-meta')).toContainText(`evaluated at ${time}`);
    const opened = await openInFreshContext(browser, await shareLink(page));
    await expect(opened.page.locator('.eval-time')).toContainText(`Evaluated as of ${time}`);
    await opened.context.close();
  });

  test('a pinned time or an error text alone stays in the address bar', async ({ page }) => {
    await openApp(page, `#at=${AT}`);
    await expect(page.locator('.eval-time')).toContainText(`Evaluated as of ${AT_UTC}`);
    await expect.poll(() => page.url()).toMatch(/#v1\./);
    await page.reload();
    await expect(page.locator('.eval-time')).toContainText(`Evaluated as of ${AT_UTC}`);
  });

  test('a token without its signature is not called signed, and a link flag does not make a signed one unsigned', async ({
    page,
  }) => {
    const token = circleToken({ version: 'v1' });
    const [header, payload] = token.split('.');
    await openApp(page, `#token=${header}.${payload}.&at=${AT}`);
    await expect(page.locator('.token-form')).toHaveText('token without its signature (header.payload.)');
    await openApp(page, `#token=${token}&sr=1&at=${AT}`);
    await expect(page.locator('.token-form')).toHaveText('signed token (header.payload.signature)');
    await expect(page.locator('.share-signature-removed')).toHaveCount(0);
  });
  test('a link put in the address bar is read even if the page rewrote the fragment before the change was seen', async ({
    page,
  }) => {
    const token = circleToken({ version: 'v1' });
    const [header, payload] = token.split('.');
    await openApp(page, `#token=${header}.${payload}.&at=${AT}`);
    await expect(page.locator('.token-form')).toHaveText('token without its signature (header.payload.)');
    // The page keeps the fragment in step with its analysis (`replaceState`, on a timer): that write can land
    // between a new link and its `hashchange` event. The event's `newURL` is the link.
    await page.evaluate((hash) => {
      const before = location.href;
      location.hash = hash;
      history.replaceState(null, '', before);
    }, `token=${token}&at=${AT}`);
    await expect(page.locator('.token-form')).toHaveText('signed token (header.payload.signature)');
  });
});

test.describe('what a link keeps of the sharer\'s view', () => {
  const SIG = new URL('../fixtures/signature/', import.meta.url);
  const read = (name) => readFileSync(new URL(name, SIG), 'utf8');
  /** A signed token its policy allows, at a pinned time: allow until the keys panel finds the signature invalid. */
  async function openSigned(page) {
    await openApp(page, '#at=1760000600');
    await pasteInto(tokenInput(page), read('share-signed.jwt'));
    await pasteInto(policyInput(page), read('share-policy.json'));
    await expect(page.locator('[data-verdict="allow"]')).toBeVisible();
  }

  test('a signature the keys panel found invalid keeps the deny for the reader, who is told whose check it was', async ({
    page,
    browser,
  }) => {
    await openSigned(page);
    await pasteInto(page.getByLabel('Keys', { exact: true }), read('share-jwks-other-key.json'));
    await expect(page.locator('[data-verdict="deny"]')).toBeVisible();
    await expect(page.locator('.share-meta')).toContainText('the invalid signature is stated, so the reader also sees deny');
    for (const keep of [false, true]) {
      if (keep) await page.locator('.share-keep-signature input').check();
      const link = await shareLink(page);
      const opened = await openInFreshContext(browser, link);
      await expect(opened.page.locator('[data-verdict]')).toHaveAttribute('data-verdict', 'deny');
      await expect(opened.page.locator('.share-signature-invalid')).toContainText(
        'Whoever shared this link found the token\'s signature invalid with their key k1',
      );
      await expect(opened.page.locator('.signature-result')).toHaveAttribute('data-signature-status', 'invalid');
      await expect(opened.page.locator('.finding[data-code="signature-invalid"]')).toHaveCount(1);
      // Another token drops the sharer's result: it was about that token only.
      await tokenInput(opened.page).fill(circleToken({ version: 'v2' }));
      await expect(opened.page.locator('.share-signature-invalid')).toHaveCount(0);
      await expect(opened.page.locator('.finding[data-code="signature-invalid"]')).toHaveCount(0);
      expect(opened.errors).toEqual([]);
      await opened.context.close();
    }
  });

  test('the address bar states a signature the keys panel found invalid, as the share link does', async ({
    page,
    browser,
  }) => {
    await openSigned(page);
    // With a pinned time, the address bar is the share panel's link.
    const hash = (url) => new URL(url).hash;
    const allowing = hash(await shareLink(page));
    await expect.poll(() => hash(page.url())).toBe(allowing);
    await pasteInto(page.getByLabel('Keys', { exact: true }), read('share-jwks-other-key.json'));
    await expect(page.locator('[data-verdict="deny"]')).toBeVisible();
    await expect(page.locator('.share-meta')).toContainText('the invalid signature is stated');
    const denying = hash(await shareLink(page));
    expect(denying).not.toBe(allowing);
    await expect.poll(() => hash(page.url())).toBe(denying);
    const opened = await openInFreshContext(browser, page.url());
    await expect(opened.page.locator('[data-verdict]')).toHaveAttribute('data-verdict', 'deny');
    await expect(opened.page.locator('.share-signature-invalid')).toContainText('with their key k1');
    expect(opened.errors).toEqual([]);
    await opened.context.close();
    // Without the keys, nothing is stated any more.
    await pasteInto(page.getByLabel('Keys', { exact: true }), '');
    await expect(page.locator('[data-verdict="allow"]')).toBeVisible();
    await expect.poll(() => hash(page.url())).toBe(allowing);
  });

  test('a link stating an invalid signature shows deny from its first verdict: it never flips from allow', async ({
    page,
  }) => {
    // Every verdict the page ever shows, from the first render on.
    await page.addInitScript(() => {
      window.verdicts = [];
      new MutationObserver(() => {
        const verdict = document.querySelector('[data-verdict]')?.getAttribute('data-verdict');
        if (verdict && window.verdicts.at(-1) !== verdict) window.verdicts.push(verdict);
      }).observe(document, { subtree: true, childList: true, attributes: true });
    });
    const token = circleToken({ version: 'v1' });
    const [header, payload] = token.split('.');
    await openApp(page, `#token=${header}.${payload}.&policy=${b64url(LIKE_POLICY)}&at=${AT}&sig=invalid:k1`);
    await expect(page.locator('.signature-result')).toHaveAttribute('data-signature-status', 'invalid');
    await expect(page.locator('.finding[data-code="signature-invalid"]')).toHaveCount(1);
    expect(await page.evaluate(() => window.verdicts)).toEqual(['deny']);
    // The same link without the statement allows: the deny is the stated signature's.
    await page.goto('about:blank');
    await openApp(page, `#token=${header}.${payload}.&policy=${b64url(LIKE_POLICY)}&at=${AT}`);
    await expect(page.locator('.footer')).toBeVisible();
    expect(await page.evaluate(() => window.verdicts)).toEqual(['allow']);
  });

  test('decoded claims pasted as JSON are carried by the link and reopen the same view', async ({ page, browser }) => {
    const claims = circleClaims({ version: 'v2' });
    await openApp(page, `#at=${AT}`);
    await tokenInput(page).fill(JSON.stringify(claims, null, 2));
    await policyInput(page).fill(LIKE_POLICY);
    await expect(page.locator('[data-verdict="allow"]')).toBeVisible();
    await expect(page.locator('[data-sub-version="v2"]')).toBeVisible();
    const before = await results(page);
    const link = await shareLink(page);
    await expect(page.locator('.share-meta')).not.toContainText('token left out');
    const opened = await openInFreshContext(browser, link);
    expect(await results(opened.page)).toEqual(before);
    await expect(opened.page.locator('[data-sub-version="v2"]')).toBeVisible();
    expect(opened.errors).toEqual([]);
    await opened.context.close();
  });
});

test.describe('privacy over a full session', () => {
  test('no request leaves the origin, nothing is stored, the token is only ever in the fragment', async ({
    page,
    context,
    browser,
    baseURL,
  }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const origin = new URL(baseURL).origin;
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    const token = circleToken({ version: 'v2' });
    const [header, payload, signature] = token.split('.');

    await openApp(page);
    // Every feature: examples, inputs, error text, views, theme, pin, share options, copy, clear.
    const examples = page.locator('.examples-menu');
    if (await examples.count()) {
      await examples.locator('summary').click();
      await examples.locator('.example').first().click();
      await expect(page.locator('[data-verdict]')).toBeVisible();
    }
    await tokenInput(page).fill(token);
    await policyInput(page).fill(LIKE_POLICY);
    const disclosure = page.locator('.disclosure');
    if (await disclosure.count()) {
      await disclosure.first().click();
      await page.locator('#error-text-input').fill(
        'An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity',
      );
    }
    for (const toggle of await page.locator('.view-toggle').all()) await toggle.click();
    for (let i = 0; i < 3; i += 1) await page.locator('.theme-toggle').click();
    const pin = page.getByRole('button', { name: 'Pin this time' });
    if (await pin.count()) await pin.click();
    await page.getByLabel(/Include signature/).check();
    await page.getByLabel(/Include signature/).uncheck();
    for (const box of await page.locator('.share-redact input').all()) await box.check();
    await page.getByRole('button', { name: 'Copy share link' }).click();
    await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible();
    for (const button of await page.locator('.copy-button').all()) await button.click();
    const link = await shareLink(page);
    await page.goto(link);
    await expect(tokenInput(page)).toBeVisible();
    await page.locator('.clear').click();

    for (const url of requests) {
      expect(new URL(url).origin, `request ${url}`).toBe(origin);
      expect(url.split('#')[0]).not.toContain(payload.slice(0, 24));
      expect(url).not.toContain(signature.slice(0, 24));
    }
    const stored = await page.evaluate(async () => ({
      local: Object.keys(localStorage).length,
      session: Object.keys(sessionStorage).length,
      idb: indexedDB.databases ? (await indexedDB.databases()).length : 0,
      cookie: document.cookie,
      caches: 'caches' in self ? (await caches.keys()).length : 0,
    }));
    expect(stored).toEqual({ local: 0, session: 0, idb: 0, cookie: '', caches: 0 });
    expect(await context.cookies()).toEqual([]);
    // The history entries' URLs: the page only ever changes its fragment, and never puts the signature there.
    const url = new URL(page.url());
    expect(url.pathname + url.search).not.toContain(header.slice(0, 24));
    expect(url.hash).not.toContain(signature.slice(0, 24));
    const resources = await page.evaluate(() => performance.getEntries().map((e) => e.name));
    for (const name of resources) expect(name.split('#')[0]).not.toContain(payload.slice(0, 24));
  });
});

test.describe('hostile content renders as inert text', () => {
  const SCRIPT = '<script>window.__pwned = "script"</script>';
  const IMG = '<img src=x onerror="window.__pwned = \'img\'">';
  const JS_URL = 'javascript:window.__pwned="href"';
  const BIDI = 'github.com/acme/\u202Eyrots\u202C-deploy';

  function hostileToken() {
    const header = { alg: 'RS256', kid: KID, typ: 'JWT' };
    const claims = circleClaims({ version: 'v2' });
    claims.sub = `${v1Sub()}/vcs-origin/${BIDI}/vcs-ref/refs/heads/main`;
    claims['oidc.circleci.com/vcs-origin'] = BIDI;
    claims['oidc.circleci.com/vcs-ref'] = SCRIPT;
    claims.name = IMG;
    claims.website = JS_URL;
    return `${b64url(header)}.${b64url(claims)}.`;
  }

  const HOSTILE_POLICY = JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: IMG,
          Effect: 'Allow',
          Principal: { Federated: JS_URL },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { [`oidc.circleci.com/org/${ORG_ID}:sub`]: SCRIPT } },
        },
      ],
    },
    null,
    2,
  );

  for (const via of ['typing', 'a link']) {
    test(`claims and policies with markup, javascript: URLs and bidi controls (via ${via})`, async ({ page }) => {
      const dialogs = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        d.dismiss();
      });
      if (via === 'typing') {
        await openApp(page, `#at=${AT}`);
        await tokenInput(page).fill(hostileToken());
        await policyInput(page).fill(HOSTILE_POLICY);
      } else {
        await openApp(page, `#token=${hostileToken()}&policy=${b64url(HOSTILE_POLICY)}&at=${AT}`);
      }
      await expect(page.locator('[data-verdict]')).toBeVisible();
      await expect(page.locator('[data-code="claim-invisible-characters"]').first()).toBeVisible();
      // Literally visible as text.
      await expect(page.getByText(SCRIPT, { exact: false }).first()).toBeVisible();
      await expect(page.getByText(IMG, { exact: false }).first()).toBeVisible();
      await expect(page.getByText(JS_URL, { exact: false }).first()).toBeVisible();
      // Nothing ran, nothing became markup or a link.
      expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
      expect(dialogs).toEqual([]);
      expect(await page.locator('main img, main script, main iframe').count()).toBe(0);
      expect(await page.locator('a[href^="javascript:" i]').count()).toBe(0);
      expect(await page.locator('[onerror], [onclick], [onload]').count()).toBe(0);
    });
  }
});
