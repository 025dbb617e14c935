// Times the AWS benchmark compiled to WebAssembly (examples/bench_aws_wasm.rs, the shipped release profile)
// under Node: one `analyze` of a typical policy and of a ~1 MB / 1,000-statement policy, as the browser runs it,
// then the policy evaluation alone (the same work as iam-simulate: parse, load, evaluate) for the comparison.
// Usage: node scripts/bench-aws-wasm.mjs path/to/bench_aws_wasm.wasm
// Prints a human line per case, then one JSON line {"typical_us", "large_ms", "large_best_ms", "eval_typical_us",
// "eval_large_ms"} (means of the timed runs, and the best).
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/bench-aws-wasm.mjs <bench_aws_wasm.wasm>');
  process.exit(2);
}
const module = await WebAssembly.compile(readFileSync(file));
// The module should import nothing; any leftover import is a stub that fails loudly if called.
const imports = {};
for (const { module: m, name } of WebAssembly.Module.imports(module)) {
  imports[m] ??= {};
  imports[m][name] = () => {
    throw new Error(`unexpected call to import ${m}.${name}`);
  };
}
const { exports } = await WebAssembly.instantiate(module, imports);
const bytes = exports.prepare();

function time(name, f, minRuns, budgetMs) {
  for (let i = 0; i < 3; i++) if (f() !== 1) throw new Error(`${name}: the verdict is not allow`);
  const times = [];
  const start = performance.now();
  while (times.length < minRuns || performance.now() - start < budgetMs) {
    const t = performance.now();
    f();
    times.push(performance.now() - t);
  }
  const best = Math.min(...times);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
  return { best, mean, median, runs: times.length };
}

const typical = time('typical', exports.run_typical, 1000, 2000);
console.log(`claimcheck wasm typical: mean ${(typical.mean * 1000).toFixed(1)} us, best ${(typical.best * 1000).toFixed(1)} us (${typical.runs} runs)`);
const large = time('large', exports.run_large, 10, 3000);
console.log(`claimcheck wasm large: ${bytes} bytes, 1000 statements: mean ${large.mean.toFixed(2)} ms, median ${large.median.toFixed(2)} ms, best ${large.best.toFixed(2)} ms (${large.runs} runs)`);
const evalTypical = time('typical (evaluation only)', exports.eval_typical, 1000, 2000);
console.log(`claimcheck wasm evaluation only (as iam-simulate) typical: mean ${(evalTypical.mean * 1000).toFixed(1)} us, best ${(evalTypical.best * 1000).toFixed(1)} us (${evalTypical.runs} runs)`);
const evalLarge = time('large (evaluation only)', exports.eval_large, 10, 3000);
console.log(`claimcheck wasm evaluation only (as iam-simulate) large: mean ${evalLarge.mean.toFixed(2)} ms, best ${evalLarge.best.toFixed(2)} ms (${evalLarge.runs} runs)`);
console.log(JSON.stringify({
  typical_us: typical.mean * 1000, large_ms: large.mean, large_best_ms: large.best,
  eval_typical_us: evalTypical.mean * 1000, eval_large_ms: evalLarge.mean,
}));
