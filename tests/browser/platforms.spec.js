// GCP, Vault and Azure configurations pasted next to a CircleCI token, in the real release build:
// the kind is detected, the verdict and every check row are shown, and undecidable rules stay undecided.
import { test, expect, openApp, tokenInput, policyInput } from './fixtures.js';
import { circleToken, circleClaims, b64url, ORG_ID, PROJECT_ID } from './tokens.js';

const IAT = 1764115200;
const AT = IAT + 600;
const ISS = `https://oidc.circleci.com/org/${ORG_ID}`;
const V1_SUB = circleClaims({ version: 'v1' }).sub;
const PROVIDER_NAME = 'projects/123456789012/locations/global/workloadIdentityPools/circleci/providers/circleci';
const MAPPING = {
  'google.subject': 'assertion.sub',
  'attribute.org_id': 'assertion.aud',
  'attribute.project': "assertion['oidc.circleci.com/project-id']",
};

function gcp(overrides = {}) {
  return {
    name: PROVIDER_NAME,
    state: 'ACTIVE',
    disabled: false,
    oidc: { issuerUri: ISS, allowedAudiences: [ORG_ID] },
    attributeMapping: MAPPING,
    attributeCondition: `attribute.project == '${PROJECT_ID}'`,
    ...overrides,
  };
}

function vaultRole(overrides = {}) {
  return {
    role_type: 'jwt',
    user_claim: 'sub',
    bound_audiences: [ORG_ID],
    bound_claims_type: 'glob',
    bound_claims: { 'oidc.circleci.com/project-id': PROJECT_ID, 'oidc.circleci.com/vcs-ref': 'refs/heads/*' },
    ...overrides,
  };
}

function azure(overrides = {}) {
  return { name: 'circleci', issuer: ISS, subject: V1_SUB, audiences: [ORG_ID], description: 'CircleCI', ...overrides };
}

// [platform, title, token version, policy, verdict, text the page must show]
const CASES = [
  ['gcp', 'the documented provider accepts a V1 token', 'v1', gcp(), 'allow', 'attributeCondition'],
  ['gcp', 'a V2 sub mapped to google.subject is over 127 bytes', 'v2', gcp(), 'deny', '127 bytes'],
  ['gcp', 'empty allowedAudiences reject the org-ID audience', 'v1', gcp({ oidc: { issuerUri: ISS, allowedAudiences: [] } }), 'deny', 'allowedAudiences'],
  ['gcp', 'a false condition quotes google', 'v1', gcp({ attributeCondition: "attribute.project == 'other'" }), 'deny', 'rejected by the attribute condition'],
  ['vault', 'a glob-bound role accepts the token', 'v2', vaultRole(), 'allow', 'bound_claims'],
  ['vault', 'the string "false" is not the boolean false', 'v2', vaultRole({ bound_claims_type: 'string', bound_claims: { 'oidc.circleci.com/ssh-rerun': 'false' } }), 'deny', 'compares types too'],
  ['vault', 'a V1 bound_subject never matches a V2 token', 'v2', vaultRole({ bound_subject: V1_SUB, bound_claims: {} }), 'deny', 'invalid subject (sub) claim'],
  ['vault', 'a bound claim the token lacks is missing from the token', 'v2', vaultRole({ bound_claims: { 'oidc.circleci.com/vcs-tag': 'v*' } }), 'deny', '(missing from the token)'],
  ['azure', 'the exact V1 subject matches', 'v1', azure(), 'allow', 'circleci'],
  ['azure', 'a V1 subject never matches a V2 token', 'v2', azure(), 'deny', 'V2 token never matches a V1 subject'],
  ['azure', 'the nearest of several credentials is named', 'v2', [azure({ name: 'github', issuer: 'https://token.actions.githubusercontent.com' }), azure({ name: 'circleci-v1' })], 'deny', 'circleci-v1'],
];

for (const [platform, title, version, policy, verdict, shown] of CASES) {
  test(`${platform}: ${title}`, async ({ page }) => {
    const token = circleToken({ version, iat: IAT });
    await openApp(page, `#token=${token}&policy=${b64url(JSON.stringify(policy, null, 2))}&at=${AT}`);
    await expect(page.locator(`[data-verdict="${verdict}"]`)).toBeVisible();
    const failing = page.locator('[data-check-result="fail"]');
    if (verdict === 'allow') {
      await expect(failing).toHaveCount(0);
      expect(await page.locator('[data-check-result="pass"]').count()).toBeGreaterThan(1);
    } else {
      expect(await failing.count()).toBeGreaterThan(0);
    }
    await expect(page.locator('body')).toContainText(shown);
  });
}

test('gcp: matches() is an RE2 search, and a pattern claimcheck cannot read guesses no verdict', async ({ page }) => {
  await openApp(page, `#token=${circleToken({ version: 'v1', iat: IAT })}&at=${AT}`);
  await policyInput(page).fill(JSON.stringify(gcp({ attributeCondition: "assertion.sub.matches('^org/\\\\p{L}')" })));
  await expect(page.locator('body')).toContainText('cannot evaluate: matches(^org/\\p{L}): Unicode classes (\\p) are not evaluated');
  await expect(page.locator('[data-verdict="allow"]')).toHaveCount(0);
  await expect(page.locator('[data-verdict="deny"]')).toHaveCount(0);
  await expect(page.locator('tr[data-check-result="unknown"] td[data-label="Actual"]')).toHaveText('(not evaluated)');

  const uuid = '[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}';
  await policyInput(page).fill(JSON.stringify(gcp({ attributeCondition: `assertion.sub.matches('^org/${ORG_ID}/project/${uuid}/user/')` })));
  await expect(page.locator('[data-verdict="allow"]')).toHaveCount(1);
  await policyInput(page).fill(JSON.stringify(gcp({ attributeCondition: "assertion.sub.matches('^project/')" })));
  await expect(page.locator('[data-verdict="deny"]')).toHaveCount(1);
  await expect(page.locator('body')).toContainText('The given credential is rejected by the attribute condition.');
});

test('a failing value is diffed against the expected value, a failing CEL expression is not', async ({ page }) => {
  const token = circleToken({ version: 'v2', iat: IAT });
  // Vault: the glob `refs/heads/release/*` against `refs/heads/main`: the shared `refs/heads/` is plain, the rest
  // is one change on each side (no stray common `a` highlighted in between).
  const role = vaultRole({ bound_claims: { 'oidc.circleci.com/vcs-ref': 'refs/heads/release/*' } });
  await openApp(page, `#token=${token}&policy=${b64url(JSON.stringify(role))}&at=${AT}`);
  const failing = page.locator('tr[data-check-result="fail"]');
  await expect(failing).toHaveCount(1);
  await expect(failing.locator('td[data-label="Expected"] .diff-same')).toHaveText(['refs/heads/']);
  await expect(failing.locator('td[data-label="Expected"] mark')).toHaveText(['release/*']);
  await expect(failing.locator('td[data-label="Actual"] mark')).toHaveText(['main']);
  // GCP: `google.subject` maps `assertion.sub`, an expression; its value is over 127 bytes. Nothing to diff.
  await policyInput(page).fill(JSON.stringify(gcp()));
  await expect(page.locator('[data-verdict="deny"]')).toBeVisible();
  const cel = page.locator('tr[data-check-result="fail"]');
  await expect(cel.locator('td[data-label="Key"]')).toHaveText(['attributeMapping.google.subject']);
  await expect(cel.locator('td[data-label="Expected"]')).toHaveText('assertion.sub');
  await expect(cel.locator('mark')).toHaveCount(0);
});

test('vault: editing the pasted role re-evaluates it', async ({ page }) => {
  await openApp(page, `#at=${AT}`);
  await tokenInput(page).fill(circleToken({ version: 'v2', iat: IAT }));
  await policyInput(page).fill(JSON.stringify(vaultRole({ bound_audiences: ['https://vault.example.com'] })));
  await expect(page.locator('[data-verdict="deny"]')).toBeVisible();
  await policyInput(page).fill(JSON.stringify(vaultRole()));
  await expect(page.locator('[data-verdict="allow"]')).toBeVisible();
});

test('YAML as gcloud prints it and a CloudFormation template are read, with findings located in the YAML', async ({
  page,
}) => {
  await openApp(page, `#at=${AT}`);
  await tokenInput(page).fill(circleToken({ version: 'v1', iat: IAT }));
  // `gcloud iam workload-identity-pools providers describe` without --format=json.
  await policyInput(page).fill(
    [
      `attributeCondition: attribute.project == '${PROJECT_ID}'`,
      'attributeMapping:',
      `  attribute.project: assertion['oidc.circleci.com/project-id']`,
      '  google.subject: assertion.sub',
      `name: ${PROVIDER_NAME}`,
      'oidc:',
      '  allowedAudiences:',
      `  - ${ORG_ID}`,
      `  issuerUri: ${ISS}`,
      'state: ACTIVE',
      '',
    ].join('\n'),
  );
  await expect(page.locator('[data-verdict="allow"]')).toBeVisible();
  await expect(page.locator('.policy-kind')).toContainText('read from YAML');

  // A CloudFormation template that creates the provider: short-form tags, a parameter's default.
  await policyInput(page).fill(
    [
      'Parameters:',
      '  OrgId:',
      '    Type: String',
      `    Default: ${ORG_ID}`,
      'Resources:',
      '  Provider:',
      '    Type: AWS::IAM::OIDCProvider',
      '    Properties:',
      '      Url: !Sub https://oidc.circleci.com/org/${OrgId}',
      '  Role:',
      '    Type: AWS::IAM::Role',
      '    Properties:',
      '      AssumeRolePolicyDocument:',
      '        Version: "2012-10-17"',
      '        Statement:',
      '          - Effect: Allow',
      '            Principal:',
      '              Federated: !GetAtt Provider.Arn',
      '            Action: sts:AssumeRoleWithWebIdentity',
      '            Condition:',
      '              StringEquals:',
      `                oidc.circleci.com/org/${ORG_ID}:sub: !Sub "org/\${OrgId}/project/*"`,
      '',
    ].join('\n'),
  );
  await expect(page.locator('[data-verdict="deny"]')).toBeVisible();
  await expect(page.locator('.finding[data-code="cfn-resolved"]')).toContainText("the parameter's default");
  // `*` inside StringEquals is literal: the finding points at line 22 of the YAML, where the key is.
  await expect(page.locator('.finding[data-code="wildcard-in-string-equals"]')).toContainText('line 22');
});
