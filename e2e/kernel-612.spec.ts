// The 6.12 profile in the app: the picker offers it (marked as held to a real kernel), links
// name it, a run plays the samples built for 6.12, and switching the kernel switches the demo
// modules to that kernel's build; a 6.12 strategy's scenario plays the 6.12 samples too.
import { expect, test } from './helpers.ts';

test('a 6.12 link runs the 6.12-built samples on the 6.12 profile', async ({ page }) => {
  await page.goto('./?view=explain&kernel=6.12&seq=insmod:klp_demo_target_612,insmod:klp_demo_patch_612');
  await expect(page.getByTestId('run-status')).toContainText('insmod klp_demo_patch.ko: ok', { timeout: 30_000 });
  await expect(page.getByTestId('run-status')).toContainText('v6.12.118');
  await expect(page.getByRole('radio', { name: /^6\.12/ })).toBeChecked();
  // the picker says which kernels a real one holds
  await expect(page.locator('.kernel-choice')).toContainText('held to a real kernel');
  await expect(page.getByLabel('Step 1: module')).toHaveValue('sample:klp_demo_target_612');
});

test('switching the kernel switches the demo modules to the build for it', async ({ page }) => {
  await page.goto('./?view=explain&kernel=6.1&seq=insmod:klp_demo_target,insmod:klp_demo_patch');
  await expect(page.getByTestId('run-status')).toContainText('insmod klp_demo_patch.ko: ok', { timeout: 30_000 });
  await page.getByRole('radio', { name: /^6\.12/ }).check();
  await expect(page.getByLabel('Step 1: module')).toHaveValue('sample:klp_demo_target_612');
  await expect(page.getByLabel('Step 2: module')).toHaveValue('sample:klp_demo_patch_612');
  await page.getByRole('radio', { name: /^6\.1\b/ }).check();
  await expect(page.getByLabel('Step 1: module')).toHaveValue('sample:klp_demo_target');
});

test('module-memory runs on 6.12 with the 6.12 samples, where reloading a patched target succeeds', async ({
  page,
}) => {
  await page.goto('./?view=explain&strategy=module-memory&scenario=reload');
  await expect(page.getByTestId('run-status')).toContainText('v6.12.118', { timeout: 30_000 });
  await expect(page.getByTestId('run-status')).not.toContainText('failed');
  await expect(
    page.getByText('kernel 6.12 — the 6.4 design, run on the 6.12 code base (held to the real kernel)'),
  ).toBeVisible();
});
