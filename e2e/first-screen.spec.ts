// The first screen is the livepatch story (the Explain view's default), with an invitation to the
// 5.4 vs 5.8 comparison; `?view=inspect` still opens the ELF inspector, whose Sections table keeps
// its Relocs column in sight at 1280 px.
import { expect, test } from './helpers.ts';

test('a page opened without a link shows the default story and invites to compare 5.4 and 5.8', async ({ page }) => {
  await page.goto('./');
  await expect(page.getByTestId('explain')).toBeVisible();
  await expect(page.getByTestId('view-explain')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('run-status')).toContainText('insmod klp_demo_patch.ko: ok', { timeout: 30_000 });
  await expect(page.getByTestId('inspector')).toHaveCount(0);
  const invite = page.getByTestId('open-compare');
  await expect(invite).toHaveText('Compare 5.4 and 5.8 on late-load side by side →');
  await invite.click();
  const columns = page.getByTestId('compare-column');
  await expect(columns).toHaveCount(2, { timeout: 30_000 });
  await expect(columns.nth(0)).toHaveAttribute('data-strategy', 'v5.4-flip');
  await expect(columns.nth(1)).toHaveAttribute('data-strategy', 'text-poke');
  // 5.8's design runs on the 6.1 code base: the kernel badge says so beside "merged 5.8"
  await expect(columns.nth(0).getByTestId('column-kernel')).toHaveText('kernel 5.4');
  await expect(columns.nth(1).getByTestId('column-kernel')).toHaveText(
    'kernel 6.1 — the 5.8 design, run on the 6.1 code base',
  );
  await expect(columns.nth(1).locator('.badge.merged')).toHaveText('merged 5.8');
  await expect(page).toHaveURL(/#v=1&view=explain&compare=v5\.4-flip%2Ctext-poke&scenario=late-load/);
});

test('?view=inspect opens the inspector; at 1280 px the Relocs column of Sections is in sight', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('./?view=inspect&sample=klp_demo_patch');
  await expect(page.getByTestId('file-summary')).toContainText('klp_demo_patch.ko');
  await expect(page.getByTestId('explain')).toHaveCount(0);
  const table = page.getByTestId('sections-table');
  const header = table.getByText('Relocs', { exact: true });
  await expect(header).toBeVisible();
  const box = (await header.boundingBox())!;
  const frame = (await table.boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(frame.x + frame.width);
  expect(box.x + box.width).toBeLessThanOrEqual(1280);
});
