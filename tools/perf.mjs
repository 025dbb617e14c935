// Measures the release build in headless Chromium and prints medians (run by scripts/perf.sh).
//
//   node tools/perf.mjs [--runs N] [--dir dist] [--port 4180]
//
// 1. share link -> verdict: a fresh browser context opens `#token=...&policy=...&at=...`; the time from the start
//    of navigation to the moment `[data-verdict]` is in the DOM (MutationObserver), cold (new context, empty
//    cache) and warm (reload in the same context); served gzipped (port N) and, as most static hosts do, with
//    Brotli (port N+1), runs alternating. Locally Brotli's smaller transfer does not pay for its slower decoding.
// 2. keystroke -> report: one character typed inside a condition value of the loaded policy; from the keydown
//    event's timestamp to the DOM mutation that shows the new value, and to the first animation frame after it
//    (the frame that paints it), both measured inside the page.
// 3. a 1 MB policy: pasted (one input event), then one keystroke in it (the first after a pause: analyzed at
//    once; a quick run of them waits for the next pause); the time until the report shows it, and the longest
//    main-thread block (Long Tasks API, tasks over 50 ms) meanwhile; the same for a keystroke after two idle
//    seconds; next to it the
//    browser's own floor: the same text in a bare <textarea>, and one keystroke in it to the next frame.
// Targets (from the project's issue): 1 < 150 ms median; 2 < 16 ms typical; 3 < 100 ms, never freezing.
// Nothing is asserted here: the numbers are printed, with each target next to it.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const RUNS = Number(args.runs ?? 15);
const DIR = args.dir ?? 'dist';
const PORT = Number(args.port ?? 4180);
const BASE = `http://127.0.0.1:${PORT}/`;
const BASE_BROTLI = `http://127.0.0.1:${PORT + 1}/`;

const b64url = (s) => Buffer.from(s, 'utf8').toString('base64url');
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const fmt = (x) => (Number.isFinite(x) ? `${x.toFixed(1)} ms` : 'n/a');
function line(label, xs, target) {
  console.log(
    `${label.padEnd(50)} median ${fmt(median(xs)).padStart(10)}   p90 ${fmt(pct(xs, 90)).padStart(10)}   ` +
      `min ${fmt(Math.min(...xs)).padStart(10)}   max ${fmt(Math.max(...xs)).padStart(10)}   (n=${xs.length}; target ${target})`,
  );
}

// The deny example the UI ships (a V2 token against a V1 StringEquals policy), pinned at its own time.
const EX = path.join(ROOT, 'static/examples');
const TOKEN = readFileSync(path.join(EX, 'v2-token-v1-policy.jwt'), 'utf8').trim();
const POLICY = readFileSync(path.join(EX, 'v2-token-v1-policy.policy.json'), 'utf8');
const AT = JSON.parse(Buffer.from(TOKEN.split('.')[1], 'base64url').toString()).iat + 600;
const LINK = `#token=${TOKEN}&policy=${b64url(POLICY)}&at=${AT}`;

/** A realistic but huge trust policy: the example's statement repeated with distinct values, about `bytes` long. */
function bigPolicy(bytes) {
  const doc = JSON.parse(POLICY);
  const base = doc.Statement[0];
  const statements = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const s = structuredClone(base);
    s.Sid = `Statement${i}`;
    for (const op of Object.values(s.Condition ?? {})) {
      for (const k of Object.keys(op)) op[k] = `${op[k]}-${i}`;
    }
    statements.push(s);
    size += JSON.stringify(s, null, 2).length;
  }
  statements.push(base);
  return JSON.stringify({ ...doc, Statement: statements }, null, 2);
}

// Injected before the app loads: records when the verdict appears, DOM mutations, keydowns and long tasks.
function probe() {
  const w = window;
  w.__perf = { verdictAt: null, mutations: [], keydowns: [], longtasks: [] };
  new MutationObserver(() => {
    const t = performance.now();
    w.__perf.mutations.push(t);
    if (w.__perf.verdictAt === null && document.querySelector('[data-verdict]')) w.__perf.verdictAt = t;
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  // After each keydown, the first animation frame that starts once the DOM has changed: the frame that shows
  // the update (measured in the page, so Playwright's round trips are not counted).
  w.__perf.frames = [];
  document.addEventListener(
    'keydown',
    (e) => {
      w.__perf.keydowns.push(e.timeStamp);
      const seen = w.__perf.mutations.length;
      const frame = () => {
        if (w.__perf.mutations.length > seen) w.__perf.frames.push(performance.now());
        else requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    },
    true,
  );
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__perf.longtasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    /* no Long Tasks API */
  }
}

async function startServer(port, encodings) {
  const base = `http://127.0.0.1:${port}/`;
  const server = spawn('node', ['scripts/static-server.mjs', '--root', DIR, '--port', String(port), '--encodings', encodings], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(base)).ok) return server;
    } catch {
      /* not yet */
    }
    await sleep(100);
  }
  server.kill();
  throw new Error(`the static server did not answer on ${base}`);
}

const servers = [await startServer(PORT, 'gzip'), await startServer(PORT + 1, 'br,gzip')];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    // Nothing may leave 127.0.0.1: other host names do not resolve. (Not Playwright's request routing, which
    // adds a round trip to this process for every request and turns the HTTP cache off, so "warm" was not warm.)
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
});
const outside = [];
try {
  const newPage = async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.on('request', (r) => {
      const url = new URL(r.url());
      if (url.protocol !== 'data:' && url.hostname !== '127.0.0.1') outside.push(r.url());
    });
    await context.addInitScript(probe);
    return { context, page: await context.newPage() };
  };
  console.log(
    `claimcheck perf: ${RUNS} runs, headless Chromium, ${DIR}/ over http://127.0.0.1 (${new Date().toISOString()})`,
  );

  // 1. Share link to verdict, gzipped and Brotli, alternating.
  const served = [
    { base: BASE, name: 'gzip', cold: [], warm: [] },
    { base: BASE_BROTLI, name: 'Brotli', cold: [], warm: [] },
  ];
  for (let i = 0; i < RUNS; i++) {
    for (const s of served) {
      const { context, page } = await newPage();
      await page.goto(s.base + LINK);
      await page.waitForSelector('[data-verdict]');
      s.cold.push(await page.evaluate(() => window.__perf.verdictAt));
      await page.reload();
      await page.waitForSelector('[data-verdict]');
      s.warm.push(await page.evaluate(() => window.__perf.verdictAt));
      await context.close();
    }
  }
  for (const s of served) {
    line(`share link -> verdict on screen (cold, ${s.name})`, s.cold, '< 150 ms');
    line(`share link -> verdict on screen (warm, ${s.name})`, s.warm, '< 150 ms');
  }

  // 2. Keystrokes in a normal policy.
  {
    const { context, page } = await newPage();
    await page.goto(BASE + LINK);
    await page.waitForSelector('[data-verdict]');
    const policy = page.getByLabel('Policy', { exact: true });
    const caret = POLICY.lastIndexOf('"org/') + 1;
    await policy.focus();
    await policy.evaluate((el, at) => el.setSelectionRange(at, at), caret);
    const toDom = [];
    const toFrame = [];
    for (let i = 0; i < RUNS * 2; i++) {
      await page.evaluate(() => {
        window.__perf.mutations = [];
        window.__perf.keydowns = [];
        window.__perf.frames = [];
      });
      await page.keyboard.type('x');
      await page.waitForFunction(() => window.__perf.frames.length > 0, null, { timeout: 5_000, polling: 5 });
      const r = await page.evaluate(() => {
        const p = window.__perf;
        const t0 = p.keydowns[0];
        const dom = p.mutations.find((t) => t >= t0);
        return { t0, dom, frame: p.frames[0] };
      });
      if (r.dom !== undefined) {
        toDom.push(r.dom - r.t0);
        toFrame.push(Math.max(r.frame, r.dom) - r.t0);
      }
      await sleep(30);
    }
    line('keystroke -> report updated (DOM)', toDom, '< 16 ms');
    line('keystroke -> next frame after update', toFrame, '< 16 ms');
    await context.close();
  }

  // 3. A 1 MB policy: paste, then type in it.
  {
    const big = bigPolicy(1024 * 1024);
    const paste = [];
    const pasteBlock = [];
    const key = [];
    const keyBlock = [];
    const keyIdle = [];
    for (let i = 0; i < Math.max(3, Math.ceil(RUNS / 3)); i++) {
      const { context, page } = await newPage();
      await page.goto(BASE + `#token=${TOKEN}&at=${AT}`);
      await page.waitForSelector('textarea');
      const policy = page.getByLabel('Policy', { exact: true });
      await page.evaluate(() => {
        window.__perf.longtasks = [];
      });
      const t0 = await policy.evaluate((el, text) => {
        const t = performance.now();
        el.value = text;
        el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
        return t;
      }, big);
      await page.waitForSelector('[data-verdict]', { timeout: 60_000 });
      const t1 = await page.evaluate(() => performance.now());
      paste.push(t1 - t0);
      pasteBlock.push(await page.evaluate(() => Math.max(0, ...window.__perf.longtasks.map((t) => t.duration))));

      // One keystroke in the first statement's Sid: the time from its keydown to the DOM mutation that shows
      // the edited Sid in the checks table (the first keystroke after a pause is analyzed at once).
      await policy.focus();
      const caret = big.indexOf('"Sid": "Statement0"') + '"Sid": "Statement0'.length;
      await policy.evaluate((el, at) => el.setSelectionRange(at, at), caret);
      // Types `char` and returns the time from its keydown to the DOM mutation that shows the Sid as `sid`.
      const typeUntilShown = async (char, sid) => {
        await page.evaluate((sid) => {
          window.__perf.longtasks = [];
          window.__perf.keydowns = [];
          window.__perf.shown = null;
          new MutationObserver((_, observer) => {
            const t = performance.now();
            if ([...document.querySelectorAll('tr.check')].some((r) => r.textContent.includes(sid))) {
              window.__perf.shown = t;
              observer.disconnect();
            }
          }).observe(document.body, { subtree: true, childList: true, characterData: true });
        }, sid);
        await page.keyboard.type(char);
        await page.waitForFunction(() => window.__perf.shown !== null, null, { timeout: 60_000, polling: 5 });
        const [down, shown] = await page.evaluate(() => [window.__perf.keydowns[0], window.__perf.shown]);
        return shown - down;
      };
      key.push(await typeUntilShown('x', 'Statement0x'));
      keyBlock.push(await page.evaluate(() => Math.max(0, ...window.__perf.longtasks.map((t) => t.duration))));
      // The same after two seconds without input, as a user pauses to read: on this kind of VM the browser's
      // own keystroke handling and the analysis both run slower after the tab has been idle.
      await sleep(2000);
      keyIdle.push(await typeUntilShown('y', 'Statement0xy'));
      await context.close();
    }
    // The browser's own floor: a bare <textarea> on an empty page, the same text set once (and laid out), then
    // one real keystroke near its end, from the keydown to the first animation frame after the input event.
    // No claimcheck code runs here.
    const bareSet = [];
    const bareKey = [];
    {
      const { context, page } = await newPage();
      await page.setContent('<textarea rows="12" cols="80" spellcheck="false"></textarea>');
      for (let i = 0; i < 3; i++) {
        bareSet.push(
          await page.evaluate((text) => {
            const el = document.querySelector('textarea');
            el.value = '';
            void el.scrollHeight;
            const t0 = performance.now();
            el.value = text;
            void el.scrollHeight;
            el.focus();
            el.setSelectionRange(text.length - 3, text.length - 3);
            window.__bare = null;
            el.addEventListener('keydown', (e) => {
              const start = e.timeStamp;
              el.addEventListener('input', () => requestAnimationFrame(() => (window.__bare = performance.now() - start)), { once: true });
            }, { once: true });
            return performance.now() - t0;
          }, big),
        );
        await page.keyboard.type('x');
        await page.waitForFunction(() => window.__bare !== null, null, { timeout: 60_000 });
        bareKey.push(await page.evaluate(() => window.__bare));
      }
      await context.close();
    }
    console.log(`1 MB policy: ${(big.length / 1024).toFixed(0)} KB, ${JSON.parse(big).Statement.length} statements`);
    line('bare <textarea>: 1 MB set + layout', bareSet, 'the browser floor');
    line('bare <textarea>: keystroke -> next frame', bareKey, 'the browser floor');
    line('1 MB policy pasted -> verdict', paste, '< 100 ms + any deliberate pause');
    line('1 MB policy pasted: longest main-thread block', pasteBlock, 'no freeze');
    line('1 MB policy keystroke -> report (DOM)', key, '< 100 ms');
    line('1 MB policy keystroke: longest main-thread block', keyBlock, 'no freeze');
    line('1 MB policy keystroke after 2 s idle -> report (DOM)', keyIdle, '< 100 ms');
  }
  console.log(outside.length ? `requests that left 127.0.0.1 (refused): ${outside.join(', ')}` : 'no request left 127.0.0.1');
} finally {
  await browser.close();
  for (const server of servers) server.kill();
}
