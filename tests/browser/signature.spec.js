// Signature verification in the real page (Web Crypto): paste a token and keys from the committed fixtures
// (tests/fixtures/signature, made by generate.py) and read the result line's `data-signature-status`.
// The same cases run natively with RustCrypto in tests/signature_corpus.rs: both must agree.
import { readFileSync } from 'node:fs';
import { test, expect, openApp, tokenInput, policyInput, pasteInto } from './fixtures.js';

const DIR = new URL('../fixtures/signature/', import.meta.url);
const read = (name) => readFileSync(new URL(name, DIR), 'utf8');
const corpus = JSON.parse(read('corpus.json')).cases;

const keysInput = (page) => page.getByLabel('Keys', { exact: true });
const result = (page) => page.locator('.signature-result');

for (const c of corpus) {
  test(`signature: ${c.name} is ${c.status}`, async ({ page }) => {
    await openApp(page);
    await pasteInto(tokenInput(page), c.token);
    await pasteInto(keysInput(page), read(c.keys));
    await expect(result(page)).toHaveAttribute('data-signature-status', c.status);
    if (c.message) await expect(result(page)).toContainText(c.message.replaceAll('`', ''));
  });
}

test('signature: the fetch command for the issuer is shown with a copy button', async ({ page }) => {
  await openApp(page);
  await pasteInto(tokenInput(page), corpus[0].token);
  const snippet = page.locator('.snippet-fetch-keys');
  await expect(snippet.locator('pre')).toHaveText(
    "curl -s 'https://oidc.circleci.com/org/c5a8f2d0-1b3e-4f6a-9d7c-2e8b4a6f0c13/.well-known/jwks-pub.json'",
  );
  await expect(snippet.locator('.copy-button')).toBeVisible();
});

test('signature: bad keys get an error with its place, and the page keeps working', async ({ page }) => {
  await openApp(page);
  await pasteInto(tokenInput(page), corpus[0].token);
  await pasteInto(keysInput(page), '{"keys": [\n  {"kty": "RSA", "kid": "rsa-1"}\n]}');
  const error = page.locator('.field-keys .input-error[data-code="jwk-missing-field"]');
  await expect(error).toContainText('line 2, column 3');
  await expect(result(page)).toHaveAttribute('data-signature-status', 'no-matching-key');
  // A message that already names its line does not get the place appended a second time.
  await pasteInto(keysInput(page), '\n-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n');
  const pem = page.locator('.field-keys .input-error[data-code="keys-private-key"]');
  await expect(pem).toContainText('block on line 2 is a private key');
  expect((await pem.innerText()).match(/line 2/g)).toHaveLength(1);
});

test('signature: a signature that does not verify turns the verdict to deny, and a genuine one leaves it', async ({ page }) => {
  const byName = (name) => corpus.find((c) => c.name === name);
  const genuine = byName('rs256 with the jwks');
  const claims = JSON.parse(Buffer.from(genuine.token.split('.')[1], 'base64url').toString('utf8'));
  const provider = claims.iss.replace('https://', '');
  const policy = {
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${provider}` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [`${provider}:aud`]: claims.aud } },
    }],
  };
  await openApp(page, `#at=${claims.iat + 60}`);
  await pasteInto(policyInput(page), JSON.stringify(policy, null, 2));
  await pasteInto(tokenInput(page), genuine.token);
  const verdict = page.locator('[data-verdict]');
  await expect(verdict).toHaveAttribute('data-verdict', 'allow');
  await pasteInto(keysInput(page), read('jwks.json'));
  await expect(result(page)).toHaveAttribute('data-signature-status', 'valid');
  await expect(verdict).toHaveAttribute('data-verdict', 'allow');
  await pasteInto(tokenInput(page), byName('tampered signature').token);
  await expect(result(page)).toHaveAttribute('data-signature-status', 'invalid');
  await expect(verdict).toHaveAttribute('data-verdict', 'deny');
  await expect(verdict).toContainText('the signature: it does not verify with key rsa-1');
  await expect(page.locator('.finding[data-code="signature-invalid"]')).toHaveCount(1);
  // The genuine token again: the verdict follows the signature back.
  await pasteInto(tokenInput(page), genuine.token);
  await expect(result(page)).toHaveAttribute('data-signature-status', 'valid');
  await expect(verdict).toHaveAttribute('data-verdict', 'allow');
});
