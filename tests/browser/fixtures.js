// Shared Playwright fixtures for every browser spec: import { test, expect } from './fixtures.js'.
//
// Every test automatically:
// - blocks and records any request that leaves 127.0.0.1 (the app must work fully offline), and
// - records console errors and uncaught page errors (a wasm panic, a CSP violation, a 404 all show up here);
// and fails at its end if either list is not empty. A test that expects a console message can remove it from
// `pageProblems.consoleErrors` before it ends.
import { test as base, expect } from '@playwright/test';

export const test = base.extend({
  pageProblems: [
    async ({ context, page }, use) => {
      const problems = { outsideRequests: [], consoleErrors: [] };
      await context.route('**/*', (route) => {
        const url = new URL(route.request().url());
        if (url.hostname === '127.0.0.1') return route.continue();
        problems.outsideRequests.push(route.request().url());
        return route.abort('blockedbyclient');
      });
      page.on('console', (msg) => {
        if (msg.type() === 'error') problems.consoleErrors.push(msg.text());
      });
      page.on('pageerror', (err) => problems.consoleErrors.push(`uncaught: ${err.message}`));
      await use(problems);
      expect(problems.outsideRequests, 'requests that left 127.0.0.1').toEqual([]);
      expect(problems.consoleErrors, 'console errors').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Opens the app (optionally with a fragment such as `#token=...`) and waits until it has rendered. */
export async function openApp(page, fragment = '') {
  await page.goto(`./${fragment}`);
  await expect(page.getByLabel('Token', { exact: true })).toBeVisible();
}

/** The Token textarea. */
export function tokenInput(page) {
  return page.getByLabel('Token', { exact: true });
}

/** The Policy textarea. */
export function policyInput(page) {
  return page.getByLabel('Policy', { exact: true });
}

/**
 * Puts `text` into a textarea the way a paste does (one value change, one input event). Use it for large
 * inputs: locator.fill() inserts text like typing, which takes minutes for a megabyte.
 */
export async function pasteInto(locator, text) {
  await locator.evaluate((el, value) => {
    el.focus();
    el.value = value;
    el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
  }, text);
}
