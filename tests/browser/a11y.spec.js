// Accessibility of the real release build: axe-core finds no violations in the light and dark themes, on the
// empty page and on a full report; every control is reachable by Tab with a visible focus indicator; the
// verdict is announced (role=status / aria-live); nothing overflows a 390 px phone screen.
import AxeBuilder from '@axe-core/playwright';
import { test, expect, openApp } from './fixtures.js';

const DENY_EXAMPLE = 'v2-token-v1-policy';

async function loadExample(page, name) {
  await page.locator('details.examples-menu > summary').click();
  await page.locator(`button[data-example="${name}"]`).click();
  await expect(page.locator('[data-verdict]')).toBeVisible();
}

/** Clicks the theme button until the page is in `theme` ("light" or "dark"). */
async function useThemeToggle(page, theme) {
  for (let i = 0; i < 3; i++) {
    if ((await page.locator('html').getAttribute('data-theme')) === theme) return;
    await page.locator('button.theme-toggle').click();
  }
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
}

async function expectNoViolations(page, what) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const summary = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join('\n    ')}`,
  );
  expect(summary, `axe violations on ${what}`).toEqual([]);
}

// axe on a full report takes several seconds on a busy machine.
test.describe.configure({ timeout: 120_000 });

for (const scheme of ['light', 'dark']) {
  test.describe(`${scheme} theme`, () => {
    test.use({ colorScheme: scheme });

    test('the empty page has no axe violations', async ({ page }) => {
      await openApp(page);
      await expectNoViolations(page, `the empty page (prefers-color-scheme: ${scheme})`);
    });

    test('a full deny report has no axe violations', async ({ page }) => {
      await openApp(page);
      await loadExample(page, DENY_EXAMPLE);
      await expect(page.locator('[data-verdict="deny"]')).toBeVisible();
      await expect(page.locator('[data-check-result="fail"]').first()).toBeVisible();
      await expectNoViolations(page, `the deny report (prefers-color-scheme: ${scheme})`);
    });

    test(`the theme toggle's ${scheme} theme has no axe violations`, async ({ page }) => {
      // The opposite system preference, then the toggle: the explicit theme must be as accessible.
      await page.emulateMedia({ colorScheme: scheme === 'light' ? 'dark' : 'light' });
      await openApp(page);
      await loadExample(page, DENY_EXAMPLE);
      await useThemeToggle(page, scheme);
      await expectNoViolations(page, `the deny report with the ${scheme} theme chosen by the toggle`);
    });
  });
}

test('every control is reachable by Tab and shows a visible focus indicator', async ({ page }) => {
  await openApp(page);
  await loadExample(page, DENY_EXAMPLE);
  await page.locator('details.examples-menu').evaluate((d) => d.removeAttribute('open'));
  await page.locator('body').click({ position: { x: 1, y: 1 } });
  // Everything a user can act on, visible, not disabled.
  const controls = await page.evaluate(() => {
    const sel = 'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';
    return [...document.querySelectorAll(sel)]
      .filter((el) => !el.disabled && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
      .filter((el) => !el.closest('details:not([open]) > :not(summary)'))
      .map((el, i) => {
        el.dataset.a11yId = String(i);
        return `${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).split(' ')[0] : ''} "${(el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 30)}"`;
      });
  });
  expect(controls.length).toBeGreaterThan(3);
  const reached = new Set();
  const noFocusStyle = [];
  for (let i = 0; i < controls.length + 10; i++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const s = getComputedStyle(el);
      const visible =
        (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) ||
        (s.boxShadow && s.boxShadow !== 'none');
      return { id: el.dataset.a11yId ?? null, tag: el.tagName.toLowerCase(), text: (el.textContent || '').trim().slice(0, 30), visible };
    });
    if (!f) continue;
    if (f.id !== null) reached.add(Number(f.id));
    if (!f.visible) noFocusStyle.push(`${f.tag} "${f.text}"`);
  }
  const unreached = controls.filter((_, i) => !reached.has(i));
  expect(unreached, 'controls that Tab never reaches').toEqual([]);
  expect([...new Set(noFocusStyle)], 'focused controls without a visible outline or ring').toEqual([]);
});

test('the verdict region is a live region', async ({ page }) => {
  await openApp(page);
  const verdict = page.locator('section.verdict');
  await expect(verdict).toHaveAttribute('role', 'status');
  await expect(verdict).toHaveAttribute('aria-live', /polite|assertive/);
  await loadExample(page, DENY_EXAMPLE);
  await expect(page.locator('[data-verdict="deny"]')).toHaveAttribute('role', 'status');
});

test('a 390 px phone screen shows the full report without horizontal scrolling', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await openApp(page);
  await loadExample(page, DENY_EXAMPLE);
  await page.screenshot({ path: testInfo.outputPath('phone-390-deny.png'), fullPage: true });
  await page.screenshot({ path: 'test-results/phone-390-deny.png', fullPage: true });
  const { scrollWidth, wide } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    // The elements that stick out, to say what to fix.
    wide: [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > 390.5 && getComputedStyle(el).position !== 'fixed')
      .filter((el) => {
        // Inside a scrolling box (e.g. a wide table in an overflow-x: auto wrapper) is fine.
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
          if (/(auto|scroll|hidden|clip)/.test(getComputedStyle(a).overflowX)) return false;
        }
        return !el.parentElement || el.parentElement.getBoundingClientRect().right <= 390.5;
      })
      .slice(0, 8)
      .map((el) => `${el.tagName.toLowerCase()}.${String(el.className).split(' ')[0]} right=${Math.round(el.getBoundingClientRect().right)}`),
  }));
  expect(scrollWidth, `horizontal overflow; elements sticking out: ${wide.join(', ')}`).toBeLessThanOrEqual(390);
});
