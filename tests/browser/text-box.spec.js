// The text boxes: what is typed reaches the analysis exactly (the page copies it out with the browser's UTF-8
// encoder, ASCII first), and a change that does not come from typing (an example, Clear, a link) replaces the
// box's text, while the echo of a keystroke never rewrites it.
import { test, expect, openApp, tokenInput, policyInput, pasteInto } from './fixtures.js';
import { circleToken, ORG_ID } from './tokens.js';

const AT = 1764115800; // ten minutes into the life of the default test token (iat 1764115200)
const PROVIDER = `oidc.circleci.com/org/${ORG_ID}`;

function policyWithSub(sub) {
  return JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${PROVIDER}` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { [`${PROVIDER}:sub`]: sub } },
        },
      ],
    },
    null,
    2,
  );
}

const subRow = (page) => page.locator('tr.check', { hasText: ':sub' });

test('text after ASCII (accents, an emoji, a lone surrogate) reaches the analysis as typed', async ({ page }) => {
  await openApp(page, `#at=${AT}`);
  await tokenInput(page).fill(circleToken({ version: 'v1' }));
  const policy = policyInput(page);
  // Typed: the value ends in non-ASCII text, after a long ASCII start.
  await policy.fill(policyWithSub('org/x/project/y/user/zoë-🚀-end'));
  await expect(subRow(page)).toContainText('org/x/project/y/user/zoë-🚀-end');
  await expect(subRow(page)).toHaveAttribute('data-check-result', 'fail');
  // An unpaired surrogate (possible in a JavaScript string, not in UTF-8) is read as U+FFFD, and nothing breaks.
  // (Put into the text after JSON.stringify, which would escape it.)
  await pasteInto(policy, policyWithSub('org/x/project/LONE/user/end').replace('LONE', '\uD800'));
  await expect(subRow(page)).toContainText('org/x/project/\uFFFD/user/end');
  // Non-ASCII first, and text that grows by three bytes per character.
  await pasteInto(policy, policyWithSub('日本語'.repeat(400)));
  await expect(subRow(page)).toContainText('日本語'.repeat(3));
  await expect(page.locator('[data-verdict="deny"]')).toBeVisible();
});

test('an example, Clear and a link replace what was typed; typing then edits what they put there', async ({ page }) => {
  await openApp(page, `#at=${AT}`);
  const policy = policyInput(page);
  await policy.fill('{"typed": true}');
  // An example replaces the typed text.
  await page.locator('details.examples-menu > summary').click();
  await page.locator('button[data-example="v2-token-v1-policy"]').click();
  await expect(policy).toHaveValue(/"Statement"/);
  const example = await policy.inputValue();
  // Typing edits the example's text: the analysis sees the example's text plus the keystroke.
  await policy.focus();
  const caret = example.indexOf('"Effect"');
  await policy.evaluate((el, at) => el.setSelectionRange(at, at), caret);
  await page.keyboard.type('"Sid": "Edited", ');
  await expect(page.locator('tr.check', { hasText: 'Edited' }).first()).toBeVisible();
  await expect(policy).toHaveValue(example.slice(0, caret) + '"Sid": "Edited", ' + example.slice(caret));
  // Clear empties the box; the same text typed again comes back.
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(policy).toHaveValue('');
  await policy.fill('{"typed": true}');
  await expect(policy).toHaveValue('{"typed": true}');
  // A link pasted into the address bar replaces it too.
  const linked = policyWithSub('org/from/project/the/user/link');
  await page.evaluate((p) => {
    location.hash = `policy=${btoa(p).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}&at=1764115800`;
  }, linked);
  await expect(policy).toHaveValue(linked);
});

test('a script that sets a box and dispatches a plain `input` Event is analyzed like a paste', async ({ page }) => {
  await openApp(page, `#at=${AT}`);
  // How many scripts and extensions drive a form: not an InputEvent, so it has no `inputType`.
  await page.evaluate((t) => {
    const box = document.getElementById('token-input');
    box.value = t;
    box.dispatchEvent(new Event('input', { bubbles: true }));
  }, circleToken({ version: 'v2' }));
  await expect(page.locator('[data-sub-version]')).toHaveAttribute('data-sub-version', 'v2');
  await page.evaluate((p) => {
    const box = document.getElementById('policy-input');
    box.value = p;
    box.dispatchEvent(new Event('input', { bubbles: true }));
  }, policyWithSub('org/x/project/y/user/z'));
  await expect(page.locator('[data-verdict]')).toHaveAttribute('data-verdict', 'deny');
  // (The fixture fails the test on any uncaught page error, e.g. reading `inputType` of a plain Event.)
});
