// The page and the CLI agree on every case of the policy corpora (tests/fixtures/{aws,gcp,vault,azure,hcl}).
//
// Each case becomes what a user has: an unsigned token minted from its claims, the policy text, the evaluation
// time (and the error text, when the case has one). The native CLI (`claimcheck check --json`) analyzes it, and
// the release page opens the same inputs as a plain-form link. Through the public contracts, both must say the
// same: the verdict (`data-verdict` / `verdict`), the `sub` version, every condition row (key, operator and
// `data-check-result` / `result`) and the finding codes. The native corpus tests check the core against the
// expected answers; this checks that the wasm build and the page show exactly what the core decided.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test, expect, openApp, tokenInput, policyInput } from './fixtures.js';
import { b64url } from './tokens.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'tests', 'fixtures');
const read = (...path) => JSON.parse(readFileSync(join(FIXTURES, ...path), 'utf8'));
const HEADER = { alg: 'RS256', kid: 'corpus-key', typ: 'JWT' };
const mint = (claims) => `${b64url(HEADER)}.${b64url(claims)}.`;

// The AWS corpus's placeholders and times, as tests/aws_corpus.rs fills them in.
const AWS = {
  ORG: '8a3b1e07-5f2d-4c3a-9b1e-0c6d2f4a7e91',
  PROJECT: 'd4f0c2a1-7b3e-4e5f-8a9b-1c2d3e4f5a6b',
  USER: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9',
  NOW: 1795650000,
};

function awsSubstitute(text, now) {
  let t = text;
  for (const [k, v] of [
    ['NOW', now],
    ['IAT', AWS.NOW - 600],
    ['EXP', AWS.NOW + 3000],
  ]) {
    t = t.replaceAll(`"{${k}}"`, String(v)).replaceAll(`{${k}}`, String(v));
  }
  return t
    .replaceAll('{ARN}', 'arn:aws:iam::123456789012:oidc-provider/oidc.circleci.com/org/{ORG}')
    .replaceAll('{P}', 'oidc.circleci.com/org/{ORG}')
    .replaceAll('{ORG}', AWS.ORG)
    .replaceAll('{PROJECT}', AWS.PROJECT)
    .replaceAll('{USER}', AWS.USER);
}

const patched = (base, patch = {}) => {
  const claims = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete claims[k];
    else claims[k] = v;
  }
  return claims;
};

/** Every AWS case as { name, token, policy, error, at }. */
function awsCases() {
  const tokens = read('aws', 'tokens.json');
  const files = readdirSync(join(FIXTURES, 'aws')).filter((f) => f.endsWith('.json') && f !== 'tokens.json');
  return files.sort().flatMap((file) =>
    read('aws', file).map((c) => {
      const at = c.now ?? AWS.NOW;
      const sub = (v) => JSON.parse(awsSubstitute(JSON.stringify(v), at));
      const claims = c.token ? patched(sub(tokens[c.token]), c.claims ? sub(c.claims) : {}) : null;
      const policy =
        typeof c.policy_text === 'string'
          ? awsSubstitute(c.policy_text, at)
          : c.policy
            ? JSON.stringify(sub(c.policy), null, 2)
            : '';
      const error = typeof c.error_text === 'string' ? awsSubstitute(c.error_text, at) : '';
      return { name: `aws/${file}: ${c.name}`, token: claims ? mint(claims) : '', policy, error, at };
    }),
  );
}

/** Every case of a GCP, Vault or Azure corpus, as tests/platform_corpus/mod.rs builds them. */
function platformCases(platform) {
  const corpus = read(platform, 'cases.json');
  return corpus.cases.map((c) => ({
    name: `${platform}: ${c.name}`,
    token: c.no_token ? '' : mint(patched(corpus.base_claims, c.claims_patch)),
    policy: typeof c.policy === 'string' ? c.policy : JSON.stringify(c.policy, null, 2),
    error: '',
    at: c.now ?? 1764000000,
  }));
}

/** Every case of the Terraform HCL corpus, as tests/hcl_corpus.rs builds them. */
function hclCases() {
  const corpus = read('hcl', 'cases.json');
  return corpus.cases.map((c) => ({
    name: `hcl/${c.platform}: ${c.name}`,
    token: mint(patched(corpus.base_claims, c.claims)),
    policy: c.hcl,
    error: '',
    at: c.now ?? corpus.now,
  }));
}

const DIR = mkdtempSync(join(tmpdir(), 'claimcheck-corpus-'));

/** What the CLI says about a case, in the terms the page's markers use. */
function cli(c) {
  const args = ['check', '--at', String(c.at), '--json'];
  const write = (name, text) => {
    const file = join(DIR, name);
    writeFileSync(file, text);
    return file;
  };
  if (c.token) args.push('--token', write('token.jwt', c.token));
  if (c.policy) args.push('--policy', write('policy.txt', c.policy));
  if (c.error) args.push('--error-text', write('error.txt', c.error));
  let out;
  try {
    out = execFileSync(join(ROOT, 'target', 'debug', 'claimcheck'), args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    out = e.stdout; // exit status 1 (deny), 2 or 3 still print the object
  }
  const report = JSON.parse(out);
  // Without a token the CLI still evaluates the policy, but calls the run unusable (it exists to check a token)
  // and reports `sub` as unrecognized; the page simply shows no `sub`.
  const noToken = (code) => !c.token && code === 'input-unusable';
  return {
    verdict: report.verdict ?? null,
    sub: c.token ? (report.sub?.version ?? null) : null,
    rows: report.checks.map((k) => [k.key, k.operator, k.result].join(' | ')).sort(),
    findings: [...new Set(report.findings.map((f) => f.code).filter((code) => !noToken(code)))].sort(),
  };
}

/** What the page shows for a case, opened as a plain-form link in the already open page. */
async function page(p, c) {
  const parts = [];
  if (c.token) parts.push(`token=${c.token}`);
  if (c.policy) parts.push(`policy=${b64url(c.policy)}`);
  if (c.error) parts.push(`error=${b64url(c.error)}`);
  parts.push(`at=${c.at}`);
  await p.evaluate((hash) => (location.hash = hash), parts.join('&'));
  await expect(tokenInput(p)).toHaveValue(c.token);
  await expect(policyInput(p)).toHaveValue(c.policy);
  return p.evaluate(() => {
    const rows = [...document.querySelectorAll('tr.check')].map((row) =>
      [
        row.querySelector('.key').textContent,
        row.querySelector('td[data-label="Operator"]').textContent,
        row.getAttribute('data-check-result'),
      ].join(' | '),
    );
    return {
      verdict: document.querySelector('[data-verdict]')?.getAttribute('data-verdict') ?? null,
      sub: document.querySelector('[data-sub-version]')?.getAttribute('data-sub-version') ?? null,
      rows: rows.sort(),
      findings: [...new Set([...document.querySelectorAll('.finding[data-code]')].map((f) => f.dataset.code))].sort(),
    };
  });
}

test.describe('the page and the CLI agree on every corpus case', () => {
  test.beforeAll(() => {
    // The CLI of this checkout (a no-op when `cargo test` already built it).
    execFileSync('cargo', ['build', '-q', '--bin', 'claimcheck'], { cwd: ROOT, stdio: 'inherit' });
  });

  for (const [platform, cases] of [
    ['aws', awsCases],
    ['gcp', () => platformCases('gcp')],
    ['vault', () => platformCases('vault')],
    ['azure', () => platformCases('azure')],
    ['hcl', hclCases],
  ]) {
    test(platform, async ({ page: p }) => {
      test.setTimeout(180_000);
      const all = cases();
      expect(all.length).toBeGreaterThan(20);
      await openApp(p);
      await expect(p.locator('.footer')).toBeVisible();
      const differences = [];
      for (const c of all) {
        const [want, got] = [cli(c), await page(p, c)];
        for (const field of Object.keys(want)) {
          if (JSON.stringify(want[field]) !== JSON.stringify(got[field])) {
            differences.push({ case: c.name, field, cli: want[field], page: got[field] });
          }
        }
      }
      expect(differences).toEqual([]);
    });
  }
});
