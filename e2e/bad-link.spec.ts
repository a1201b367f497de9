// A permalink the app cannot follow entirely says so: what was dropped and why, in a dismissible
// status band, and every valid part of it is kept (docs/permalinks.md).
import { expect, test } from './helpers.ts';

const KNOWN =
  'v5.4-flip, klp-text, klp-text-ro, split, text-poke, text-poke-clear, module-memory, forbid-late, deny-unload';

test('an unknown strategy: the warning names it, the scenario and the step are kept', async ({ page }) => {
  await page.goto('./#v=1&view=explain&strategy=v5.3-flip&scenario=late-load&step=40');
  const band = page.getByRole('status').filter({ has: page.getByTestId('link-warning') });
  await expect(band).toBeVisible();
  await expect(band.getByTestId('link-warning')).toHaveText([
    `unknown strategy 'v5.3-flip' (known: ${KNOWN}): showing text-poke instead`,
  ]);
  await expect(page.getByTestId('step-count')).toContainText('step 40 /', { timeout: 30_000 });
  await expect(page.getByTestId('scenario')).toHaveValue('late-load');
  await band.getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.getByTestId('link-warnings')).toHaveCount(0);
});

test('a step past the end of the run: the warning says which step is shown instead', async ({ page }) => {
  await page.goto('./#v=1&view=explain&strategy=text-poke&scenario=late-load&step=9999&sel=9999.0');
  const warnings = page.getByTestId('link-warning');
  await expect(warnings).toHaveCount(2, { timeout: 30_000 });
  const text = await page.getByTestId('step-count').innerText();
  const last = Number(/step (\d+) \/ (\d+)/.exec(text)![2]);
  await expect(page.getByTestId('step-count')).toContainText(`step ${last} / ${last}`);
  await expect(warnings).toHaveText([
    `step 9999 is out of range (this run has steps 0–${last}): showing step ${last}`,
    `selected write 9999.0: this run has no step 9999`,
  ]);
});

test('a link without problems shows no warning', async ({ page }) => {
  await page.goto('./#v=1&view=explain&strategy=text-poke&scenario=late-load&step=4');
  await expect(page.getByTestId('step-count')).toContainText('step 4 /', { timeout: 30_000 });
  await expect(page.getByTestId('link-warnings')).toHaveCount(0);
});
