// Screenshots of the strategy comparison; not part of `npm test`:
//   KLP_SCREENSHOTS=1 npx playwright test e2e/compare-screenshots.spec.ts
// Writes test-results/shots/compare-*.png and docs/compare.png.
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { expect, test } from './helpers.ts';

test.skip(!process.env.KLP_SCREENSHOTS, 'set KLP_SCREENSHOTS=1 to take screenshots');
const shots = fileURLToPath(new URL('../test-results/shots/', import.meta.url));
const docs = fileURLToPath(new URL('../docs/compare.png', import.meta.url));

async function openCompare(page: Page, query: string) {
  await page.goto(`./?view=explain&${query}`);
  await expect(page.getByTestId('compare-status')).toContainText('aligned rows', { timeout: 30_000 });
  await page.waitForTimeout(900);
}

test('compare screenshots', async ({ page }) => {
  test.setTimeout(120_000);
  await openCompare(page, 'compare=v5.4-flip,text-poke&scenario=late-load');
  await page.screenshot({ path: `${shots}compare-1-late-load-first-diff.png`, fullPage: true });
  // the late RWX window: the target arrives, klp_module_coming relocates the patch
  await page.getByTestId('explain').focus();
  await page.keyboard.press(']');
  await page.keyboard.press('d');
  await expect(page.getByTestId('diff-here')).toHaveAttribute('data-diff', 'wx');
  await page.waitForTimeout(900);
  await page.screenshot({ path: `${shots}compare-2-late-load-klp_module_coming.png` });
  await page.setViewportSize({ width: 1440, height: 1500 });
  await page.waitForTimeout(900);
  await page.screenshot({ path: docs });
  await page.setViewportSize({ width: 1440, height: 900 });
  await openCompare(page, 'compare=v5.4-flip,klp-text,split,module-memory&scenario=late-load');
  await page.screenshot({ path: `${shots}compare-3-four.png`, fullPage: true });
  await openCompare(page, 'compare=text-poke,text-poke-clear,forbid-late&scenario=reload');
  await page.screenshot({ path: `${shots}compare-4-reload.png`, fullPage: true });
  await page.goto('./?view=explain&kernel=6.4&seq=insmod:klp_demo_target,insmod:klp_demo_patch');
  await expect(page.getByTestId('run-status')).toContainText('insmod klp_demo_patch.ko: ok', { timeout: 30_000 });
  await page.getByTestId('phase-do_init_module').last().click();
  await page.waitForTimeout(900);
  await page.screenshot({ path: `${shots}compare-5-kernel-6.4-sequence.png` });
});
