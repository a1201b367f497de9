// Screenshots of the explainer at the steps a first-time reader needs; not part of `npm test`:
//   KLP_SCREENSHOTS=1 npx playwright test e2e/explain-screenshots.spec.ts
// Writes test-results/shots/explain-*.png and docs/explain.png.
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { expect, test } from './helpers.ts';

test.skip(!process.env.KLP_SCREENSHOTS, 'set KLP_SCREENSHOTS=1 to take screenshots');
const shots = fileURLToPath(new URL('../test-results/shots/', import.meta.url));
const docs = fileURLToPath(new URL('../docs/explain.png', import.meta.url));

async function at(page: Page, phase: string, extra = 0, which: 'first' | 'last' = 'first') {
  await page.getByTestId(`phase-${phase}`)[which]().click();
  await page.getByTestId('explain').focus();
  for (let i = 0; i < extra; i++) await page.keyboard.press('ArrowRight');
  await page.waitForTimeout(900);
}

test('explain screenshots', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('./?view=explain');
  await expect(page.getByTestId('run-status')).toContainText('insmod klp_demo_patch.ko: ok', { timeout: 30_000 });
  await at(page, 'layout_and_allocate', 3);
  await page.screenshot({ path: `${shots}explain-1-move_module.png` });
  await at(page, 'apply_relocations');
  await page.getByTestId('map-mark').first().click();
  await page.screenshot({ path: `${shots}explain-2-apply_relocations.png` });
  await at(page, 'complete_formation');
  await page.screenshot({ path: `${shots}explain-3-complete_formation.png` });
  await at(page, 'do_init_module', 3);
  await page.screenshot({ path: `${shots}explain-4-after-init.png` });

  await page.goto('./?view=explain&strategy=v5.4-flip&scenario=late-load');
  await expect(page.getByTestId('run-status')).toContainText('insmod klp_demo_target: ok', { timeout: 30_000 });
  await at(page, 'klp_module_coming', 2, 'last');
  await page.screenshot({ path: `${shots}explain-5-v5.4-late-load-rwx.png` });
  await page.screenshot({ path: docs });
  await page.goto('./?view=explain&strategy=text-poke&scenario=late-load');
  await expect(page.getByTestId('run-status')).toContainText('insmod klp_demo_target: ok', { timeout: 30_000 });
  await at(page, 'klp_module_coming', 2, 'last');
  await page.screenshot({ path: `${shots}explain-6-text-poke-late-load.png` });
});
