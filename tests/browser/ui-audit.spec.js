// Defects of the accessibility/UI audit, driven in the real release build: bidi and invisible characters are
// shown as markers (never applied), the focus never drops to <body> after an action that removes or disables
// its control, the Examples menu closes with Escape or a click outside, the share and signature panels are laid
// out, and copy buttons go back to "Copy".
import { test, expect, openApp, tokenInput, policyInput } from './fixtures.js';
import { circleToken, ORG_ID, v2Sub } from './tokens.js';

const AT = 1764115800; // ten minutes into the life of the default test token (iat 1764115200)
const PROVIDER = `oidc.circleci.com/org/${ORG_ID}`;
const DENY_EXAMPLE = 'v2-token-v1-policy';

function trustPolicy(sub, statements = 1) {
  const statement = (i) => ({
    Sid: `S${i}`,
    Effect: 'Allow',
    Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${PROVIDER}` },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { [`${PROVIDER}:aud`]: ORG_ID, [`${PROVIDER}:sub`]: sub } },
  });
  return JSON.stringify({ Version: '2012-10-17', Statement: Array.from({ length: statements }, (_, i) => statement(i)) }, null, 2);
}

const activeElement = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return { tag: el?.tagName.toLowerCase(), id: el?.id ?? '', className: String(el?.className ?? '') };
  });

test.describe('bidi and invisible characters', () => {
  // Displayed live, `refs/heads/\u202Eniam-toN\u202C` reads `refs/heads/Not-main`.
  const SPOOF = 'refs/heads/\u202Eniam-toN\u202C';
  const HIDDEN = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C\u200B-\u200D\u2060\uFEFF]/;

  test('are shown as visible markers in the sub, the checks (diff included) and the fixes, never applied', async ({
    page,
    context,
  }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await openApp(page, `#at=${AT}`);
    const token = circleToken({ version: 'v2', sub: v2Sub({ vcsRef: SPOOF }) });
    await tokenInput(page).fill(token);
    await policyInput(page).fill(trustPolicy(v2Sub({ vcsRef: 'refs/heads/main' })));
    await expect(page.locator('[data-verdict="deny"]')).toBeVisible();
    await expect(page.locator('tr.check[data-check-result="fail"] .diff-actual').first()).toBeVisible();

    // The page's visible text: no bidi control or invisible character anywhere (inputs aside).
    const text = await page.evaluate(() => document.body.innerText);
    expect(text).not.toMatch(HIDDEN);
    expect(text).not.toContain('Not-main');

    // The sub's vcs-ref segment and the failing row's actual value show the markers, styled apart.
    const segment = page.locator('.sub-view .seg-vcs-ref .seg-text');
    await expect(segment).toHaveText('refs/heads/⟨U+202E⟩niam-toN⟨U+202C⟩');
    await expect(segment.locator('.ctrl').first()).toBeVisible();
    const failing = page.locator('tr.check[data-check-result="fail"]');
    await expect(failing.locator('td[data-label="Actual"]')).toContainText('⟨U+202E⟩niam-toN⟨U+202C⟩');
    await expect(failing.locator('td[data-label="Actual"] .ctrl').first()).toBeVisible();
    const style = await segment.locator('.ctrl').first().evaluate((el) => getComputedStyle(el).borderTopStyle);
    expect(style).toBe('dashed');
    // The claims table (and its JSON view) too.
    await expect(page.locator('table.claims').last()).toContainText('niam-toN⟨U+202C⟩');
    await page.getByRole('button', { name: 'Show as JSON' }).click();
    await expect(page.locator('.claims-view .json').last()).toContainText('⟨U+202E⟩niam-toN');
    expect(await page.evaluate(() => document.body.innerText)).not.toMatch(HIDDEN);

    // Copy still copies the exact original value.
    await page.locator('.sub-view .sub-copy .copy-button').click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(v2Sub({ vcsRef: SPOOF }));
  });

  test('zero-width characters in a policy value are marked too', async ({ page }) => {
    await openApp(page, `#at=${AT}`);
    await tokenInput(page).fill(circleToken({ version: 'v2' }));
    await policyInput(page).fill(trustPolicy(v2Sub({ vcsRef: 'refs/heads/ma\u200Bin\uFEFF' })));
    await expect(page.locator('[data-verdict="deny"]')).toBeVisible();
    const expected = page.locator('tr.check[data-check-result="fail"] td[data-label="Expected"]');
    await expect(expected).toContainText('ma⟨U+200B⟩in⟨U+FEFF⟩');
    expect(await page.evaluate(() => document.body.innerText)).not.toMatch(HIDDEN);
  });

  test('control characters and blank-looking fillers are marked too', async ({ page }) => {
    await openApp(page, `#at=${AT}`);
    await tokenInput(page).fill(circleToken({ version: 'v2' }));
    // A bell, an escape, a C1 control, a line separator, the Hangul filler and the braille blank.
    await policyInput(page).fill(trustPolicy(v2Sub({ vcsRef: 'refs/heads/m\u0007a\u001Bi\u0085n\u2028\u3164\u2800' })));
    await expect(page.locator('[data-verdict="deny"]')).toBeVisible();
    const expected = page.locator('tr.check[data-check-result="fail"] td[data-label="Expected"]');
    await expect(expected).toContainText('m⟨U+0007⟩a⟨U+001B⟩i⟨U+0085⟩n⟨U+2028⟩⟨U+3164⟩⟨U+2800⟩');
  });
});

test.describe('focus after actions', () => {
  test('choosing an example with Enter or Space moves the focus to the verdict', async ({ page }) => {
    await openApp(page);
    for (const key of ['Enter', 'Space']) {
      await page.locator('details.examples-menu > summary').focus();
      await page.keyboard.press('Enter');
      await expect(page.locator('details.examples-menu')).toHaveAttribute('open', '');
      await page.locator(`button[data-example="${DENY_EXAMPLE}"]`).focus();
      await page.keyboard.press(key);
      await expect(page.locator('[data-verdict="deny"]')).toBeVisible();
      expect(await activeElement(page), `after ${key}`).toMatchObject({ id: 'verdict' });
      await expect(page.locator('details.examples-menu')).not.toHaveAttribute('open', '');
    }
  });

  test('choosing an example with a click moves the focus to the verdict', async ({ page }) => {
    await openApp(page);
    await page.locator('details.examples-menu > summary').click();
    await page.locator(`button[data-example="${DENY_EXAMPLE}"]`).click();
    await expect(page.locator('[data-verdict="deny"]')).toBeVisible();
    expect(await activeElement(page)).toMatchObject({ id: 'verdict' });
  });

  test('Clear (which then disables itself) moves the focus to the Token field', async ({ page }) => {
    await openApp(page, `#example=${DENY_EXAMPLE}`);
    await expect(page.locator('[data-verdict="deny"]')).toBeVisible();
    const clear = page.getByRole('button', { name: 'Clear' });
    await clear.focus();
    await page.keyboard.press('Enter');
    await expect(clear).toBeDisabled();
    await expect(tokenInput(page)).toHaveValue('');
    expect(await activeElement(page)).toMatchObject({ id: 'token-input' });
  });

  test('the last "Show more" of the checks moves the focus to the first row it revealed', async ({ page }) => {
    await openApp(page, `#at=${AT}`);
    await tokenInput(page).fill(circleToken({ version: 'v2' }));
    await policyInput(page).fill(trustPolicy('org/nope', 60));
    await expect(page.locator('[data-verdict="deny"]')).toBeVisible();
    const more = page.locator('.checks .show-more');
    for (let i = 0; i < 20 && (await more.count()) > 0; i++) {
      const hidden = Number((await page.locator('.checks-hidden').innerText()).match(/^(\d+) more/)[1]);
      // Rows by statement, operator and key (the page's CSP forbids building a function from text).
      const before = await page
        .locator('tr.check')
        .evaluateAll((rows) => rows.map((tr) => [0, 1, 2].map((i) => tr.cells[i].innerText).join('|')));
      await more.focus();
      await page.keyboard.press('Enter');
      if (hidden > 100) {
        // Not the last: the button stays, with the focus.
        await expect(more).toBeFocused();
        continue;
      }
      await expect(more).toHaveCount(0);
      const focused = await page.evaluate(() => {
        const el = document.activeElement;
        return el.matches('tr.check') ? [0, 1, 2].map((i) => el.cells[i].innerText).join('|') : el.tagName;
      });
      expect(before, 'the focused row is a newly shown one').not.toContain(focused);
      expect(focused).toMatch(/\|/);
    }
    await expect(more).toHaveCount(0);
  });
});

test.describe('Examples menu', () => {
  test('Escape closes it and gives the focus back to its summary', async ({ page }) => {
    await openApp(page);
    const menu = page.locator('details.examples-menu');
    await menu.locator('summary').click();
    await expect(menu).toHaveAttribute('open', '');
    await page.locator(`button[data-example="${DENY_EXAMPLE}"]`).focus();
    await page.keyboard.press('Escape');
    await expect(menu).not.toHaveAttribute('open', '');
    await expect(menu.locator('summary')).toBeFocused();
  });

  test('a click outside closes it; the focus goes back to its summary unless the click focused something', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await openApp(page);
    const menu = page.locator('details.examples-menu');
    await menu.locator('summary').click();
    await expect(menu).toHaveAttribute('open', '');
    await page.locator('.tagline').click();
    await expect(menu).not.toHaveAttribute('open', '');
    await expect(menu.locator('summary')).toBeFocused();
    // A click on a field closes the menu and leaves the focus in the field (at 390 px the menu covers the inputs
    // at the top, not the Keys field at the bottom).
    await menu.locator('summary').click();
    await expect(menu).toHaveAttribute('open', '');
    await page.locator('#keys-input').click();
    await expect(menu).not.toHaveAttribute('open', '');
    await expect(page.locator('#keys-input')).toBeFocused();
  });

  test('tabbing out of it closes it; tabbing inside it does not', async ({ page }) => {
    await openApp(page);
    const menu = page.locator('details.examples-menu');
    await menu.locator('summary').focus();
    await page.keyboard.press('Enter');
    await expect(menu).toHaveAttribute('open', '');
    await page.keyboard.press('Tab');
    await expect(menu.locator('button.example').first()).toBeFocused();
    await expect(menu).toHaveAttribute('open', '');
    // Past its last example, out of the menu (to the theme toggle: Clear is disabled on the empty page).
    await menu.locator('button.example').last().focus();
    await page.keyboard.press('Tab');
    await expect(menu).not.toHaveAttribute('open', '');
    await expect(page.locator('button.theme-toggle')).toBeFocused();
  });
});

test('copy buttons say "Copied", then go back to "Copy" after about two seconds', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openApp(page);
  await tokenInput(page).fill(circleToken({ version: 'v2' }));
  const copy = page.locator('.sub-view .sub-copy .copy-button');
  await copy.click();
  const copiedAt = Date.now();
  await expect(copy).toHaveText(/^Copied/);
  // Screen readers are told once, in a status region next to the button.
  await expect(page.locator('.sub-view .sub-copy [role="status"]')).toHaveText('Copied');
  await expect(copy).toHaveText(/^Copy sub$/, { timeout: 5_000 });
  expect(Date.now() - copiedAt).toBeGreaterThan(1_500);
  await expect(page.locator('.sub-view .sub-copy [role="status"]')).toHaveText('');
  // The share link's button too.
  await page.getByRole('button', { name: 'Copy share link' }).click();
  await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Copy share link' })).toBeVisible({ timeout: 5_000 });
});

test.describe('share and signature panels', () => {
  for (const width of [1280, 390]) {
    test(`are laid out at ${width} px: a wide link field apart from its button, a boxed warning, spaced cards`, async ({
      page,
    }) => {
      await page.setViewportSize({ width, height: 900 });
      await openApp(page, `#at=${AT}`);
      await tokenInput(page).fill(circleToken({ version: 'v2' }));
      await policyInput(page).fill(trustPolicy(v2Sub()));
      await page.getByLabel(/Include signature/).check();
      const warning = page.locator('.share-warning');
      await expect(warning).toBeVisible();
      const box = async (sel) => page.locator(sel).boundingBox();
      const [link, copy, share, signature] = await Promise.all(
        ['.share-link', '.share-copy', '.share-panel', '.card.signature'].map(box),
      );
      const panel = await box('.share-panel');
      if (width === 1280) {
        expect(link.width, 'share link field width').toBeGreaterThan(panel.width * 0.6);
        expect(copy.x - (link.x + link.width), 'gap between the link field and Copy').toBeGreaterThanOrEqual(4);
      } else {
        expect(link.width).toBeGreaterThan(panel.width * 0.8);
        expect(copy.y, 'Copy under the link field').toBeGreaterThanOrEqual(link.y + link.height);
      }
      expect(signature.y - (share.y + share.height), 'gap between the share and signature cards').toBeGreaterThanOrEqual(8);
      const look = await warning.evaluate((el) => {
        const s = getComputedStyle(el);
        const card = getComputedStyle(el.closest('.card'));
        return { bg: s.backgroundColor, cardBg: card.backgroundColor, border: s.borderLeftWidth, color: s.color, cardColor: card.color };
      });
      expect(look.bg, 'the warning has a background of its own').not.toBe(look.cardBg);
      expect(look.color, 'the warning has a color of its own').not.toBe(look.cardColor);
      expect(parseFloat(look.border)).toBeGreaterThanOrEqual(3);
    });
  }

  test('notes of an opened link above the verdict are boxed', async ({ page }) => {
    const token = circleToken({ version: 'v1' });
    await openApp(page, `#token=${token}&at=soon`);
    const note = page.locator('.share-banner.share-note');
    await expect(note).toBeVisible();
    const look = await note.evaluate((el) => {
      const s = getComputedStyle(el);
      return { border: parseFloat(s.borderLeftWidth), padding: parseFloat(s.paddingLeft) };
    });
    expect(look.border).toBeGreaterThanOrEqual(3);
    expect(look.padding).toBeGreaterThanOrEqual(8);
  });
});

test.describe('history', () => {
  test('Back brings back what an example or Clear replaced', async ({ page }) => {
    await openApp(page);
    const policy = '{"Version": "2012-10-17", "Statement": []}';
    await policyInput(page).fill(policy);
    await expect.poll(() => page.url()).toMatch(/#v1\./);
    const menu = page.locator('details.examples-menu');
    await menu.locator('summary').click();
    await page.locator(`button[data-example="${DENY_EXAMPLE}"]`).click();
    await expect(page).toHaveURL(new RegExp(`#example=${DENY_EXAMPLE}$`));
    await page.goBack();
    await expect(policyInput(page)).toHaveValue(policy);
    await page.goForward();
    await expect(page.locator('[data-verdict="deny"]')).toBeVisible();
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect(policyInput(page)).toHaveValue('');
    await page.goBack();
    await expect(page.locator('[data-verdict="deny"]')).toBeVisible();
    await expect(page).toHaveURL(new RegExp(`#example=${DENY_EXAMPLE}$`));
  });
});

test('copy buttons are named in plain words: the message markup (backticks) is not read out', async ({ page }) => {
  await page.goto(`./#example=${DENY_EXAMPLE}`);
  await expect(page.locator('[data-verdict="deny"]')).toBeVisible();
  // The example suggests a policy for the branch, named after `refs/heads/main`, among other copy buttons
  // (the suggestions render after the verdict: wait for them).
  await expect(page.locator('button.copy-button', { hasText: 'refs/heads/main' }).first()).toBeAttached();
  const names = await page
    .locator('button.copy-button')
    .evaluateAll((buttons) => buttons.map((b) => b.textContent.replace(/\s+/g, ' ').trim()));
  expect(names.filter((n) => n.includes('`'))).toEqual([]);
});
