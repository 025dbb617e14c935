// Times the AWS benchmark compiled to WebAssembly (examples/bench_aws_wasm.rs, the shipped release profile)
// as the browser runs it: in headless Chromium (the target is "in the browser") and under Node (same engine
// family, older V8) for reference. One `analyze` of a typical policy and of a ~1 MB / 1,000-statement policy,
// then the policy evaluation alone (the same work as iam-simulate: parse, load, evaluate) for the comparison.
// Usage: node scripts/bench-aws-wasm.mjs path/to/bench_aws_wasm.wasm
// Prints a human line per case and engine, then one JSON line with the Chromium numbers {"typical_us",
// "large_ms", "large_median_ms", "large_best_ms", "eval_typical_us", "eval_large_ms"} (per run: means of the
// timed calls, their median and the best; across the browser runs: the median, and the best of all) and the
// Node ones under "node".
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/bench-aws-wasm.mjs <bench_aws_wasm.wasm>');
  process.exit(2);
}
const wasm = readFileSync(file);

// Runs in Node and, as source text, in the page: it must not capture anything from this module.
async function bench(bytes) {
  const module = await WebAssembly.compile(bytes);
  // The module should import nothing; any leftover import is a stub that fails loudly if called.
  const imports = {};
  for (const { module: m, name } of WebAssembly.Module.imports(module)) {
    imports[m] ??= {};
    imports[m][name] = () => {
      throw new Error(`unexpected call to import ${m}.${name}`);
    };
  }
  const { exports } = await WebAssembly.instantiate(module, imports);
  const bytesOfLarge = exports.prepare();
  function time(name, f, minRuns, budgetMs) {
    for (let i = 0; i < 3; i++) if (f() !== 1) throw new Error(`${name}: the verdict is not allow`);
    const times = [];
    const start = performance.now();
    while (times.length < minRuns || performance.now() - start < budgetMs) {
      const t = performance.now();
      f();
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    return { best: times[0], mean, median: times[Math.floor(times.length / 2)], runs: times.length };
  }
  return {
    bytesOfLarge,
    typical: time('typical', exports.run_typical, 1000, 2000),
    large: time('large', exports.run_large, 10, 3000),
    evalTypical: time('typical (evaluation only)', exports.eval_typical, 1000, 2000),
    evalLarge: time('large (evaluation only)', exports.eval_large, 10, 3000),
  };
}

function report(engine, r) {
  // Pages get a coarsened clock (100 us steps with jitter): means stay right, a "best" under a step reads 0.
  const us = (t) => (t > 0 ? (t * 1000).toFixed(1) : '<100');
  console.log(`claimcheck wasm (${engine}) typical: mean ${us(r.typical.mean)} us, best ${us(r.typical.best)} us (${r.typical.runs} runs)`);
  console.log(`claimcheck wasm (${engine}) large: ${r.bytesOfLarge} bytes, 1000 statements: mean ${r.large.mean.toFixed(2)} ms, median ${r.large.median.toFixed(2)} ms, best ${r.large.best.toFixed(2)} ms (${r.large.runs} runs)`);
  console.log(`claimcheck wasm (${engine}) evaluation only (as iam-simulate) typical: mean ${us(r.evalTypical.mean)} us, best ${us(r.evalTypical.best)} us (${r.evalTypical.runs} runs)`);
  console.log(`claimcheck wasm (${engine}) evaluation only (as iam-simulate) large: mean ${r.evalLarge.mean.toFixed(2)} ms, median ${r.evalLarge.median.toFixed(2)} ms, best ${r.evalLarge.best.toFixed(2)} ms (${r.evalLarge.runs} runs)`);
  return {
    typical_us: r.typical.mean * 1000, large_ms: r.large.mean, large_median_ms: r.large.median,
    large_best_ms: r.large.best, eval_typical_us: r.evalTypical.mean * 1000, eval_large_ms: r.evalLarge.mean,
  };
}

const node = report('node', await bench(wasm));
// Chromium: RUNS fresh browser contexts (a renderer process each, as a fresh tab), one after the other; the
// machine's noise moves whole runs (a run is either all fast or all slow), so the run-level medians are
// reported and their median is the number compared with the target.
const RUNS = Number(process.env.BENCH_BROWSER_RUNS ?? 3);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
const runs = [];
try {
  const source = `(${bench.toString()})(Uint8Array.from(atob(${JSON.stringify(wasm.toString('base64'))}), (c) => c.charCodeAt(0)))`;
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext();
    runs.push(report(`chromium run ${i + 1}`, await (await context.newPage()).evaluate(source)));
    await context.close();
  }
} finally {
  await browser.close();
}
const mid = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const page = {
  typical_us: mid(runs.map((r) => r.typical_us)),
  large_ms: mid(runs.map((r) => r.large_ms)),
  large_median_ms: mid(runs.map((r) => r.large_median_ms)),
  large_best_ms: Math.min(...runs.map((r) => r.large_best_ms)),
  eval_typical_us: mid(runs.map((r) => r.eval_typical_us)),
  eval_large_ms: mid(runs.map((r) => r.eval_large_ms)),
};
console.log(
  `claimcheck wasm (chromium, median of ${RUNS} runs) large: median ${page.large_median_ms.toFixed(2)} ms ` +
    `(run medians ${runs.map((r) => r.large_median_ms.toFixed(2)).join(', ')} ms), best ${page.large_best_ms.toFixed(2)} ms; ` +
    `typical mean ${page.typical_us.toFixed(1)} us`,
);
console.log(JSON.stringify({ ...page, node }));
