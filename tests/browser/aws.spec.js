// AWS trust policies in the built page: paste a token and a failing policy, see the deny, the failing row with
// its near miss and the fix at the top; fix the policy and see the allow. Also the STS error text box.
import { test, expect, openApp, tokenInput, policyInput } from './fixtures.js';
import { circleToken, ORG_ID, PROJECT_ID, v1Sub, v2Sub } from './tokens.js';

const AT = 1764115800; // ten minutes into the life of the default test token (iat 1764115200)
const PROVIDER = `oidc.circleci.com/org/${ORG_ID}`;

function trustPolicy(operator, sub) {
  return JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AllowCircleCI',
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${PROVIDER}` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: { [`${PROVIDER}:aud`]: ORG_ID },
            [operator]: { [`${PROVIDER}:sub`]: sub },
          },
        },
      ],
    },
    null,
    2,
  );
}

test('a V2 token against a V1 StringEquals policy: deny, the failing sub row, the fix; a StringLike fix allows', async ({ page }) => {
  await openApp(page, `#at=${AT}`);
  await tokenInput(page).fill(circleToken({ version: 'v2' }));
  await policyInput(page).fill(trustPolicy('StringEquals', v1Sub()));

  const verdict = page.locator('[data-verdict="deny"]');
  await expect(verdict).toBeVisible();
  await expect(verdict).toContainText('Denied: the job cannot assume this role');
  await expect(verdict.locator('.verdict-decided')).toHaveText('Decided by: no statement allows the request (default deny)');
  await expect(verdict.locator('.verdict-fix')).toContainText('Fix: this policy expects a V1 sub: use $CIRCLE_OIDC_TOKEN');

  // Exactly one failing row: the sub condition, with the token's V2 suffix marked as the difference.
  const failing = page.locator('[data-check-result="fail"]');
  await expect(failing).toHaveCount(1);
  await expect(failing).toContainText(`${PROVIDER}:sub`);
  await expect(failing).toContainText('StringEquals');
  const extra = v2Sub().slice(v1Sub().length);
  await expect(failing.locator('.diff-actual')).toContainText(extra);
  await expect(page.locator('[data-check-result="pass"]')).not.toHaveCount(0);

  await policyInput(page).fill(trustPolicy('StringLike', `org/${ORG_ID}/project/${PROJECT_ID}/user/*`));
  await expect(page.locator('[data-verdict="allow"]')).toBeVisible();
  await expect(page.locator('[data-verdict="allow"]')).toContainText('Allowed: the job can assume this role');
  await expect(page.locator('.verdict-fix')).toHaveCount(0);
  await expect(page.locator('[data-check-result="fail"]')).toHaveCount(0);
});

test('the STS error text is recognised and explained, without taking over the verdict fix', async ({ page }) => {
  await openApp(page, `#at=${AT}`);
  await tokenInput(page).fill(circleToken({ version: 'v2' }));
  await policyInput(page).fill(trustPolicy('StringEquals', v1Sub()));
  await page.getByRole('button', { name: 'Error text from the job (optional)' }).click();
  await page
    .getByLabel('Error text from the job', { exact: true })
    .fill(
      'An error occurred (InvalidIdentityToken) when calling the AssumeRoleWithWebIdentity operation: ' +
        `No OpenIDConnect provider found in your account for https://${PROVIDER}`,
    );
  await expect(page.getByText('sts-no-oidc-provider')).toBeVisible();
  await expect(
    page.getByText("the role's account has no OIDC provider whose URL equals the token's issuer", { exact: false }),
  ).toBeVisible();
  await expect(page.locator('[data-verdict="deny"] .verdict-fix')).toContainText('this policy expects a V1 sub');
});

// The Examples menu: each common failure of DOMAIN.md section 6 (and one per other platform) loads a token and
// a trust configuration and shows its diagnosis (the finding that names the cause); the allowed examples show
// no failing row (one of them with the warning that says why its Allow is weaker than it looks).
const EXAMPLE_DIAGNOSES = {
  'v1-allow': null,
  'v2-token-v1-policy': 'sub-expects-v1',
  'star-in-stringequals': 'wildcard-in-string-equals',
  'aud-mismatch': 'aud-is-project-id',
  'unexposed-claim': 'claim-not-exposed',
  expired: 'token-expired',
  'custom-webhook': 'custom-webhook-no-vcs',
  'project-id-as-org-id': 'project-id-as-org-id',
  'server-issuer': 'principal-other-issuer',
  'repo-case': 'value-case-mismatch',
  'forked-pr': 'vcs-origin-fork',
  // Allowed, and the warning says why that is weaker than it looks.
  'for-all-values-missing-key': { allow: 'for-all-values-missing-key' },
  'cloudformation-yaml': 'sub-expects-v1',
  // Allowed: the provider merged two `condition` blocks meant as AND into one OR list.
  'terraform-conditions-merged': { allow: 'hcl-conditions-merged' },
  'gcp-v2-subject-too-long': 'gcp-subject-too-long',
  'vault-bound-claim-branch': 'vault-first-error',
  'azure-v1-subject-v2-token': 'azure-no-credential-matches',
};

test('every example in the menu shows its diagnosis', async ({ page }) => {
  await openApp(page);
  const menu = page.locator('details.examples-menu');
  const names = await menu.locator('button.example').evaluateAll((buttons) => buttons.map((b) => b.dataset.example));
  expect(names).toEqual(Object.keys(EXAMPLE_DIAGNOSES));
  // Titles are rich text: `*` is shown as code, not between backticks.
  await expect(menu.locator('button[data-example="star-in-stringequals"] code')).toHaveText('*');
  for (const [name, code] of Object.entries(EXAMPLE_DIAGNOSES)) {
    await menu.locator('summary').click();
    await menu.locator(`button[data-example="${name}"]`).click();
    await expect(menu).not.toHaveAttribute('open', '');
    const verdict = page.locator('[data-verdict]');
    await expect(verdict, name).toHaveAttribute('data-verdict', typeof code === 'string' ? 'deny' : 'allow');
    if (code && code.allow) {
      await expect(page.locator(`.finding[data-code="${code.allow}"]`).first(), name).toBeVisible();
      await expect(page.locator('[data-check-result="fail"]'), name).toHaveCount(0);
    } else if (code) {
      await expect(page.locator(`.finding[data-code="${code}"]`).first(), name).toBeVisible();
      await expect(page.locator('[data-check-result="fail"]').first(), name).toBeVisible();
    } else {
      await expect(page.locator('[data-check-result="pass"]').first(), name).toBeVisible();
      await expect(page.locator('[data-check-result="fail"]'), name).toHaveCount(0);
    }
  }
});

test('a finding inside a Terraform assume_role_policy string points at the line and column of what was pasted', async ({ page }) => {
  await openApp(page, `#token=${circleToken({ version: 'v1' })}&at=${AT}`);
  // `.tf.json` (or a plan's values): the trust policy is a JSON string, minified as `jsonencode` writes it.
  const minified = JSON.stringify(JSON.parse(trustPolicy('StringEquals', `org/${ORG_ID}/project/*/user/*`)));
  const pasted = JSON.stringify(
    { resource: { aws_iam_role: { circleci: { name: 'circleci-deploy', assume_role_policy: minified } } } },
    null,
    2,
  );
  await policyInput(page).fill(pasted);
  await expect(page.locator('[data-verdict="deny"]')).toBeVisible();
  const lines = pasted.split('\n');
  const line = lines.findIndex((l) => l.includes('"assume_role_policy"'));
  const column = lines[line].indexOf(`\\"${PROVIDER}:sub\\"`) + 1;
  expect(column).toBeGreaterThan(0);
  const finding = page.locator('.finding[data-code="wildcard-in-string-equals"]');
  await expect(finding.locator('.location')).toHaveText(`line ${line + 1}, column ${column}`);
});

test('a Terraform main.tf pasted as the policy is read: its verdict, what was detected, and findings at their HCL line', async ({ page }) => {
  await openApp(page, `#token=${circleToken({ version: 'v2' })}&at=${AT}`);
  const hcl = [
    'variable "org" {',
    `  default = "${ORG_ID}"`,
    '}',
    '',
    'resource "aws_iam_role" "deploy" {',
    '  name = "circleci-deploy"',
    '  assume_role_policy = jsonencode({',
    '    Version = "2012-10-17"',
    '    Statement = [{',
    '      Effect    = "Allow"',
    `      Principal = { Federated = "arn:aws:iam::\${data.aws_caller_identity.current.account_id}:oidc-provider/oidc.circleci.com/org/\${var.org}" }`,
    '      Action    = "sts:AssumeRoleWithWebIdentity"',
    '      Condition = {',
    '        StringEquals = {',
    '          "oidc.circleci.com/org/${var.org}:sub" = "org/${var.org}/project/*/user/*"',
    '        }',
    '      }',
    '    }]',
    '  })',
    '}',
    '',
  ].join('\n');
  await policyInput(page).fill(hcl);
  await expect(page.locator('[data-verdict="deny"]')).toBeVisible();
  await expect(page.locator('.policy-kind')).toContainText('read from Terraform HCL');
  // The `*` in StringEquals, located at the condition's key on line 15 of the HCL.
  const finding = page.locator('.finding[data-code="wildcard-in-string-equals"]');
  await expect(finding.locator('.location')).toHaveText('line 15, column 11');
  // The variable's default was assumed, and the report says so.
  await expect(page.locator('.finding[data-code="policy-hcl-read"]')).toContainText('var.org = "');
  // A syntax error says where, and the rest of the page keeps working.
  await policyInput(page).fill(hcl.replace('Version = "2012-10-17"', 'Version = '));
  const error = page.locator('.finding[data-code="policy-hcl-syntax"]');
  await expect(error).toContainText('expected a value, found a new line');
  await expect(page.locator('[data-sub-version="v2"]')).toBeVisible();
});

test('a policy with a comment and a trailing comma is read without them: its verdict, and a warning where they are', async ({ page }) => {
  await openApp(page, `#token=${circleToken({ version: 'v1' })}&at=${AT}`);
  const lines = trustPolicy('StringLike', `org/${ORG_ID}/project/${PROJECT_ID}/user/*`).split('\n');
  const action = lines.findIndex((l) => l.includes('"Action"'));
  lines[action] += ' // only web identity';
  const sub = lines.findIndex((l) => l.includes(':sub"'));
  lines[sub] += ',';
  await policyInput(page).fill(lines.join('\n'));
  await expect(page.locator('[data-verdict="allow"]')).toBeVisible();
  const finding = page.locator('.finding[data-code="policy-json-comments"]');
  await expect(finding).toContainText('the pasted JSON has a comment at');
  await expect(finding).toContainText('IAM refuses such a document (MalformedPolicyDocument)');
  await expect(finding.locator('.location')).toHaveText(`line ${action + 1}, column ${lines[action].indexOf('//') + 1}`);
});
