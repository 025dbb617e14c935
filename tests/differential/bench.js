#!/usr/bin/env node
// Times iam-simulate's core engine on the policies `examples/bench_aws.rs --emit DIR` wrote: the same work as
// claimcheck's `policy::evaluate` (read the JSON text, load the policy, evaluate the request).
//   node bench.js DIR   -> prints lines and a final JSON line {"typical_us":..,"large_ms":..}
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const SIM = path.join(__dirname, 'node_modules', '@cloud-copilot', 'iam-simulate', 'dist', 'cjs');
const { authorize } = require(path.join(SIM, 'core_engine', 'CoreSimulatorEngine.js'));
const { AwsRequestImpl } = require(path.join(SIM, 'request', 'request.js'));
const { RequestContextImpl } = require(path.join(SIM, 'requestContext.js'));
const { DiscoveryContextKeyConstraints } = require(path.join(SIM, 'context_keys', 'discoveryContextKeyConstraints.js'));
const { loadPolicy } = require('@cloud-copilot/iam-policy');

const dir = process.argv[2];
const claims = JSON.parse(fs.readFileSync(path.join(dir, 'claims.json'), 'utf8'));
const provider = claims.iss.replace(/^https:\/\//, '');
const context = {};
for (const c of ['aud', 'sub', 'oidc.circleci.com/project-id']) if (claims[c] !== undefined) context[`${provider}:${c}`] = claims[c];
const arn = `arn:aws:iam::123456789012:oidc-provider/${provider}`;
const constraints = new DiscoveryContextKeyConstraints([]);

function evaluate(text) {
  const request = new AwsRequestImpl(arn, { resource: 'arn:aws:iam::123456789012:role/ci', accountId: '123456789012' }, 'sts:AssumeRoleWithWebIdentity', new RequestContextImpl(context));
  return authorize({
    request, sessionPolicy: undefined, identityPolicies: [], serviceControlPolicies: [], resourceControlPolicies: [],
    resourcePolicy: loadPolicy(JSON.parse(text), { name: 'trust' }), permissionBoundaries: undefined, vpcEndpointPolicies: undefined,
    simulationParameters: { simulationMode: 'Strict', discoveryContextKeyConstraints: constraints },
  }).result;
}

function time(text, min, budgetMs) {
  for (let i = 0; i < 3; i++) evaluate(text);
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  let n = 0;
  let best = Infinity;
  while (n < min || Number(process.hrtime.bigint() - start) / 1e6 < budgetMs) {
    const t = process.hrtime.bigint();
    evaluate(text);
    best = Math.min(best, Number(process.hrtime.bigint() - t));
    n++;
  }
  // Mean CPU time (user + system, nanoseconds), so the numbers stay meaningful on a loaded machine.
  const used = process.cpuUsage(cpu);
  return { mean: ((used.user + used.system) * 1e3) / n, best, n };
}

const typical = fs.readFileSync(path.join(dir, 'typical.json'), 'utf8');
const large = fs.readFileSync(path.join(dir, 'large.json'), 'utf8');
for (const [name, text] of [['typical', typical], ['large', large]]) {
  const r = evaluate(text);
  if (r !== 'Allowed') throw new Error(`${name}: iam-simulate says ${r}`);
}
const t = time(typical, 1000, 2000);
console.log(`iam-simulate typical: mean CPU ${(t.mean / 1e3).toFixed(1)} us, best wall ${(t.best / 1e3).toFixed(1)} us (${t.n} runs)`);
const l = time(large, 5, 3000);
console.log(`iam-simulate large: mean CPU ${(l.mean / 1e6).toFixed(2)} ms, best wall ${(l.best / 1e6).toFixed(2)} ms (${l.n} runs)`);
console.log(JSON.stringify({ typical_us: t.mean / 1e3, large_ms: l.mean / 1e6 }));
