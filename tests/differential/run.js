#!/usr/bin/env node
// Differential test: claimcheck's AWS trust-policy evaluation against @cloud-copilot/iam-simulate's core
// engine, on (policy, token) pairs generated deterministically from a seed.
//
//   node run.js --bin <path to the aws_eval example> [--cases 500] [--seed 1] [--verbose]
//
// Each case is evaluated by both. A disagreement is "documented" only when the AWS rule that decides it
// (tests/differential/DISAGREEMENTS.md) explains it mechanically: the rule's rewrite of the input makes
// iam-simulate agree with claimcheck (or, for claimcheck's "cannot evaluate", the case has the documented
// shape). Any other disagreement is unexplained and the script exits 1.
'use strict';

const { spawnSync } = require('node:child_process');
const path = require('node:path');
// The core engine is not in the package's public exports: load its files by path (TOOLCHAIN.md).
const SIM = path.join(__dirname, 'node_modules', '@cloud-copilot', 'iam-simulate', 'dist', 'cjs');
const { authorize } = require(path.join(SIM, 'core_engine', 'CoreSimulatorEngine.js'));
const { AwsRequestImpl } = require(path.join(SIM, 'request', 'request.js'));
const { RequestContextImpl } = require(path.join(SIM, 'requestContext.js'));
const { DiscoveryContextKeyConstraints } = require(path.join(SIM, 'context_keys', 'discoveryContextKeyConstraints.js'));
const NO_CONSTRAINTS = new DiscoveryContextKeyConstraints([]);
const { loadPolicy } = require('@cloud-copilot/iam-policy');

// ---------- arguments ----------
const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = args.lastIndexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
};
const CASES = Number(arg('--cases', '500'));
const SEED = Number(arg('--seed', '1'));
const BIN = arg('--bin', null);
const VERBOSE = args.includes('--verbose');
if (!BIN) {
  console.error('usage: node run.js --bin <aws_eval binary> [--cases N] [--seed S] [--verbose]');
  process.exit(2);
}

// ---------- seeded randomness (mulberry32) ----------
let state = SEED >>> 0;
function rand() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const chance = (p) => rand() < p;

// ---------- the token ----------
const ACCOUNT = '123456789012';
const ORG = '8a3b1e07-5f2d-4c3a-9b1e-0c6d2f4a7e91';
const OTHER_ORG = '8a3b1e07-5f2d-4c3a-9b1e-0c6d2f4a7e92';
const PROJECT = 'd4f0c2a1-7b3e-4e5f-8a9b-1c2d3e4f5a6b';
const USER = '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9';
const PROVIDER = `oidc.circleci.com/org/${ORG}`;
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${PROVIDER}`;
const OTHER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.circleci.com/org/${OTHER_ORG}`;
const NOW = 1795650000;
const ACTION = 'sts:AssumeRoleWithWebIdentity';

function makeClaims() {
  const v1 = `org/${ORG}/project/${PROJECT}/user/${USER}`;
  const ref = pick(['refs/heads/main', 'refs/heads/feature/x', 'refs/tags/v1.2.3', 'refs/pull/7/head']);
  const origin = pick(['github.com/acme/widgets', 'github.com/Acme/Widgets', 'bitbucket.org/acme/widgets']);
  const form = pick(['v1', 'v2', 'v2', 'webhook']);
  const sub = form === 'v2' ? `${v1}/vcs-origin/${origin}/vcs-ref/${ref}` : v1;
  const claims = {
    iss: `https://${PROVIDER}`,
    aud: chance(0.85) ? ORG : chance(0.5) ? 'custom-audience' : PROJECT,
    sub,
    iat: NOW - 600,
    exp: NOW + 3000,
    'oidc.circleci.com/org-id': ORG,
  };
  if (chance(0.08)) claims.aud = [ORG, 'second-audience'];
  if (chance(0.85)) claims['oidc.circleci.com/project-id'] = PROJECT;
  if (form !== 'webhook') {
    claims['oidc.circleci.com/vcs-origin'] = origin;
    claims['oidc.circleci.com/vcs-ref'] = ref;
  }
  return claims;
}

// The request context STS builds (DOMAIN.md section 2): only aud, sub, amr, azp and project-id.
function stsContext(claims) {
  const ctx = {};
  for (const c of ['aud', 'sub', 'amr', 'azp', 'oidc.circleci.com/project-id']) {
    if (claims[c] !== undefined) ctx[`${PROVIDER}:${c}`] = claims[c];
  }
  return ctx;
}

// ---------- the policy ----------
const KEYS = [
  { key: `${PROVIDER}:aud`, claim: 'aud', w: 4 },
  { key: `${PROVIDER}:sub`, claim: 'sub', w: 5 },
  { key: `${PROVIDER}:oidc.circleci.com/project-id`, claim: 'oidc.circleci.com/project-id', w: 2 },
  { key: `${PROVIDER}:oidc.circleci.com/vcs-ref`, claim: 'oidc.circleci.com/vcs-ref', w: 1 },
  { key: `oidc.circleci.com/org/${OTHER_ORG}:sub`, claim: 'sub', w: 1 },
  { key: `${PROVIDER.toUpperCase()}:SUB`, claim: 'sub', w: 1 },
];
const weighted = (items) => {
  const total = items.reduce((s, i) => s + i.w, 0);
  let r = rand() * total;
  for (const i of items) {
    r -= i.w;
    if (r < 0) return i;
  }
  return items[items.length - 1];
};
const BASES = ['StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike'];

function mutate(value) {
  const v = String(value);
  switch (Math.floor(rand() * 10)) {
    case 0: return v.toUpperCase();
    case 1: return v.slice(0, Math.max(1, Math.floor(v.length / 2))) + '*';
    case 2: return '*' + v.slice(Math.floor(v.length / 2));
    case 3: {
      const i = Math.floor(rand() * v.length);
      return v.slice(0, i) + '?' + v.slice(i + 1);
    }
    case 4: return 'something-else';
    case 5: return '*';
    case 6: return v + '/extra';
    case 7: return v.replace(/\/vcs-origin\/.*$/, '/*');
    default: return v;
  }
}

function conditionValues(claims, k, tags) {
  const actual = claims[k.claim];
  const basis = Array.isArray(actual) ? pick(actual) : actual === undefined ? 'refs/heads/main' : actual;
  const n = pick([1, 1, 1, 2, 3]);
  const values = [];
  for (let i = 0; i < n; i++) values.push(mutate(basis));
  if (k.claim === 'sub' && chance(0.06)) {
    values[0] = `org/\${${PROVIDER}:aud}/*`;
    tags.add('variable');
  }
  return values.length === 1 && chance(0.5) ? values[0] : values;
}

function makeCondition(claims, tags) {
  const cond = {};
  const nOps = pick([0, 1, 1, 2, 2, 3]);
  for (let i = 0; i < nOps; i++) {
    let op;
    if (chance(0.08)) {
      op = 'Null';
    } else {
      op = pick(BASES);
      if (chance(0.2)) op += 'IfExists';
      if (chance(0.2)) op = pick(['ForAnyValue:', 'ForAllValues:']) + op;
      // IAM documents one spelling; both engines read other cases (claimcheck warns).
      if (chance(0.03)) op = op.toLowerCase();
    }
    const block = cond[op] || {};
    const nKeys = pick([1, 1, 2]);
    for (let j = 0; j < nKeys; j++) {
      const k = weighted(KEYS);
      block[k.key] = op === 'Null' ? pick(['true', 'false']) : conditionValues(claims, k, tags);
    }
    cond[op] = block;
  }
  return cond;
}

function makePrincipal(tags) {
  const r = rand();
  if (r < 0.62) return { Federated: PROVIDER_ARN };
  if (r < 0.68) return { Federated: OTHER_ARN };
  if (r < 0.73) return '*';
  if (r < 0.78) { tags.add('federated-star'); return { Federated: '*' }; }
  if (r < 0.82) return { AWS: '*' };
  if (r < 0.86) return { AWS: `arn:aws:iam::${ACCOUNT}:root` };
  if (r < 0.90) return { Service: 'ec2.amazonaws.com' };
  return { Federated: [OTHER_ARN, PROVIDER_ARN] };
}

function makeAction(st) {
  const r = rand();
  if (r < 0.6) st.Action = ACTION;
  else if (r < 0.66) st.Action = 'sts:*';
  else if (r < 0.71) st.Action = 'sts:AssumeRole';
  else if (r < 0.75) st.Action = '*';
  else if (r < 0.8) st.Action = 'STS:assumerolewithwebidentity';
  else if (r < 0.85) st.Action = ['sts:AssumeRole', ACTION];
  else if (r < 0.9) st.Action = 'sts:AssumeRole*';
  else if (r < 0.95) st.NotAction = 'sts:AssumeRole';
  else st.NotAction = ACTION;
}

function makePolicy(claims, tags) {
  const n = pick([1, 1, 1, 2, 2, 3]);
  const statements = [];
  for (let i = 0; i < n; i++) {
    const st = { Sid: `S${i + 1}`, Effect: i === 0 || chance(0.5) ? 'Allow' : 'Deny', Principal: makePrincipal(tags) };
    makeAction(st);
    const cond = makeCondition(claims, tags);
    if (Object.keys(cond).length) st.Condition = cond;
    statements.push(st);
  }
  const policy = { Statement: statements };
  const v = rand();
  if (v < 0.85) policy.Version = '2012-10-17';
  else if (v < 0.92) policy.Version = '2008-10-17';
  return { Version: policy.Version, Statement: policy.Statement };
}

// ---------- iam-simulate ----------
function simulate(policy, context) {
  const request = new AwsRequestImpl(
    PROVIDER_ARN,
    { resource: `arn:aws:iam::${ACCOUNT}:role/circleci`, accountId: ACCOUNT },
    ACTION,
    new RequestContextImpl(context),
  );
  const result = authorize({
    request,
    sessionPolicy: undefined,
    identityPolicies: [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: loadPolicy(JSON.parse(JSON.stringify(policy)), { name: 'trust' }),
    permissionBoundaries: undefined,
    vpcEndpointPolicies: undefined,
    simulationParameters: { simulationMode: 'Strict', discoveryContextKeyConstraints: NO_CONSTRAINTS },
  }).result;
  return result === 'Allowed' ? 'allow' : 'deny';
}

// ---------- the documented disagreements: each AWS rule as a rewrite iam-simulate can evaluate ----------
const present = (context, key) => Object.keys(context).some((k) => k.toLowerCase() === key.toLowerCase());
const eachStatement = (policy, f) => ({ ...policy, Statement: policy.Statement.map((s) => f(JSON.parse(JSON.stringify(s)))) });

const RULES = [
  {
    id: 'aws-wildcard-is-not-a-web-identity',
    // AWS: `{"AWS": "*"}` "does not allow web identity session principals, SAML session principals, or service
    // principals" (IAM user guide, Principal element, "All principals"); iam-simulate reads it as `"*"`.
    rewrite: (policy) => eachStatement(policy, (s) => {
      const aws = s.Principal && s.Principal.AWS;
      const other = (a) => (a === '*' ? 'arn:aws:iam::999999999999:root' : a);
      if (aws !== undefined) s.Principal.AWS = Array.isArray(aws) ? aws.map(other) : other(aws);
      return s;
    }),
  },
  {
    id: 'ifexists-with-set-qualifier',
    // AWS: "...IfExists: if the key is not present, the condition evaluates to true", qualifier or not.
    rewrite: (policy, context) => eachStatement(policy, (s) => {
      for (const op of Object.keys(s.Condition || {})) {
        if (!/^ForAnyValue:.*IfExists$/i.test(op)) continue;
        for (const key of Object.keys(s.Condition[op])) {
          if (!present(context, key)) delete s.Condition[op][key];
        }
        if (!Object.keys(s.Condition[op]).length) delete s.Condition[op];
      }
      return s;
    }),
  },
  {
    id: 'account-principal-is-not-a-web-identity',
    // AWS: an `AWS` principal names IAM identities (an account means its IAM users and roles); a web
    // identity caller is the federated provider's user, never one of them.
    rewrite: (policy) => eachStatement(policy, (s) => {
      const aws = s.Principal && s.Principal.AWS;
      const other = (a) => (a === '*' ? a : 'arn:aws:iam::999999999999:root');
      if (aws !== undefined) s.Principal.AWS = Array.isArray(aws) ? aws.map(other) : other(aws);
      return s;
    }),
  },
  {
    id: 'aud-list-accepted-audience',
    // Undocumented by AWS; claimcheck's reading, flagged unconfirmed in its output: STS accepts a token whose
    // audiences include a client ID of the provider and reports that one audience, so a plain positive operator
    // on `aud` passes when one of the token's audiences matches. iam-simulate reads a plain operator on a
    // multi-valued key as false. Rewrite: test `aud` with `ForAnyValue:` (the same any-of reading).
    rewrite: (policy, context) => eachStatement(policy, (s) => {
      const aud = Object.keys(context).find((k) => k.toLowerCase() === `${PROVIDER}:aud`.toLowerCase());
      if (!aud || !Array.isArray(context[aud])) return s;
      for (const op of Object.keys(s.Condition || {})) {
        if (/^For(Any|All)Value/i.test(op) || /Not|^Null$/i.test(op)) continue;
        const key = Object.keys(s.Condition[op]).find((k) => k.toLowerCase() === aud.toLowerCase());
        const set = `ForAnyValue:${op}`;
        if (key === undefined || (s.Condition[set] && key in s.Condition[set])) continue;
        s.Condition[set] = { ...(s.Condition[set] || {}), [key]: s.Condition[op][key] };
        delete s.Condition[op][key];
        if (!Object.keys(s.Condition[op]).length) delete s.Condition[op];
      }
      return s;
    }),
  },
  {
    id: 'variables-need-version-2012',
    // AWS: policy variables are resolved only under Version 2012-10-17; otherwise `${...}` is literal text.
    rewrite: (policy) => {
      if (policy.Version === '2012-10-17') return policy;
      const text = JSON.stringify(policy).replace(/\$\{(?![*?$]\})/g, '${$}{');
      return JSON.parse(text);
    },
  },
];

// claimcheck answers "cannot evaluate" (null) rather than guess: documented when the case has this shape.
function unknownShape(policy, claims) {
  // `{"Federated": "*"}`: not a documented principal, so whether it matches a web identity is unconfirmed.
  if (policy.Statement.some((s) => s.Principal && s.Principal.Federated === '*')) return 'federated-wildcard-undocumented';
  // A multi-valued key (here `aud` as a list) under a negated operator without ForAnyValue:/ForAllValues:.
  if (!Array.isArray(claims.aud) || claims.aud.length < 2) return null;
  // ...or in a policy variable, which IAM documents only for single-valued keys.
  if (JSON.stringify(policy).toLowerCase().includes(`\${${PROVIDER}:aud}`.toLowerCase())) return 'multi-valued-key-in-a-variable';
  for (const s of policy.Statement) {
    for (const [op, block] of Object.entries(s.Condition || {})) {
      if (/^For(Any|All)Value/i.test(op) || op === 'Null') continue;
      // A positive operator is decided (any-of, rule `aud-list-accepted-audience`); a negated one is not.
      if (!/Not/i.test(op)) continue;
      if (Object.keys(block).some((k) => k.toLowerCase() === `${PROVIDER}:aud`.toLowerCase())) return 'multi-valued-key-without-qualifier';
    }
  }
  return null;
}

function explain(policy, context, claims, ours) {
  if (ours === null) return unknownShape(policy, claims);
  // Apply the rules, alone and all together, and see whether iam-simulate then agrees.
  for (const rule of RULES) {
    if (simulate(rule.rewrite(policy, context), context) === ours) return rule.id;
  }
  let all = policy;
  for (const rule of RULES) all = rule.rewrite(all, context);
  if (simulate(all, context) === ours) return RULES.map((r) => r.id).join('+');
  return null;
}

// ---------- run ----------
const cases = [];
for (let i = 0; i < CASES; i++) {
  const tags = new Set();
  const claims = makeClaims();
  const policy = makePolicy(claims, tags);
  cases.push({ claims, policy, context: stsContext(claims), tags });
}
const input = cases.map((c) => JSON.stringify({ policy: JSON.stringify(c.policy, null, 2), claims: c.claims, now: NOW })).join('\n') + '\n';
const proc = spawnSync(BIN, [], { input, maxBuffer: 1 << 28, encoding: 'utf8' });
if (proc.status !== 0) {
  console.error(`aws_eval failed (${proc.status}): ${proc.stderr}`);
  process.exit(2);
}
const answers = proc.stdout.trim().split('\n').map((l) => JSON.parse(l));
if (answers.length !== cases.length) {
  console.error(`aws_eval answered ${answers.length} of ${cases.length} cases`);
  process.exit(2);
}

let agree = 0;
const documented = {};
const unexplained = [];
const outcomes = { allow: 0, deny: 0, null: 0 };
cases.forEach((c, i) => {
  const ours = answers[i].verdict;
  const theirs = simulate(c.policy, c.context);
  outcomes[String(ours)]++;
  if (ours === theirs) {
    agree++;
    return;
  }
  const rule = explain(c.policy, c.context, c.claims, ours);
  if (rule) {
    documented[rule] = (documented[rule] || 0) + 1;
    if (VERBOSE) console.log(`case ${i}: claimcheck ${ours}, iam-simulate ${theirs}: documented (${rule})`);
  } else {
    unexplained.push({ i, ours, theirs, decided_by: answers[i].decided_by, policy: c.policy, claims: c.claims });
  }
});

for (const u of unexplained.slice(0, 5)) {
  console.log(`UNEXPLAINED case ${u.i}: claimcheck ${u.ours} (${u.decided_by}), iam-simulate ${u.theirs}`);
  console.log(`  claims: ${JSON.stringify(u.claims)}`);
  console.log(`  policy: ${JSON.stringify(u.policy)}`);
}
const docCount = Object.values(documented).reduce((a, b) => a + b, 0);
console.log(`verdicts (claimcheck): ${outcomes.allow} allow, ${outcomes.deny} deny, ${outcomes.null} cannot-evaluate`);
console.log(`documented disagreements by rule: ${JSON.stringify(documented)}`);
console.log(`differential: ${CASES} cases, ${agree} agree, ${docCount} documented disagreements, ${unexplained.length} unexplained`);
process.exit(unexplained.length ? 1 : 0);
