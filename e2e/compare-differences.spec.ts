// The list of differences of a comparison: 5.4 vs 5.8 on late-load lists both of 5.4's W^X
// windows (the vmlinux relocations at patch load, the target's at late load), and one click on
// an entry moves the shared cursor to it.
import { expect, test } from './helpers.ts';

test('5.4 vs 5.8 late-load: both W^X windows are listed, one click reaches each', async ({ page }) => {
  await page.goto('./?view=explain&compare=v5.4-flip,text-poke&scenario=late-load');
  await expect(page.getByTestId('compare-status')).toContainText('aligned rows', { timeout: 30_000 });
  const list = page.getByTestId('diff-list');
  await expect(list.getByRole('heading')).toHaveText('9 places differ · 4 on W^X');
  const wx = list.locator('[data-testid="diff-entry"][data-kind="wx"]');
  await expect(wx).toHaveCount(4);
  // the relocations of klp_init_object_loaded(): at patch load (vmlinux) and at late load (the target)
  const windows = wx.filter({ hasText: 'klp_init_object_loaded › module_disable_ro' });
  await expect(windows).toHaveCount(2);
  await expect(windows.nth(0)).toHaveAttribute('title', /^insmod klp_demo_patch, v5\.4-flip step 31: /);
  await expect(windows.nth(1)).toHaveAttribute('title', /^insmod klp_demo_target, v5\.4-flip step 86: /);
  const path = page.locator('[data-testid="compare-column"][data-strategy="v5.4-flip"] [data-testid="call-path"]');
  const step = page.locator('[data-testid="compare-column"][data-strategy="v5.4-flip"] [data-testid="column-step"]');
  for (const [i, at] of [
    [1, 'step 86 /'],
    [0, 'step 31 /'],
  ] as const) {
    const entry = windows.nth(i);
    const row = await entry.getAttribute('data-row');
    await entry.click();
    await expect(page.getByTestId('compare-row')).toContainText(`row ${row} /`);
    await expect(entry).toHaveAttribute('aria-current', 'location');
    await expect(page.getByTestId('diff-here')).toHaveAttribute('data-diff', 'wx');
    await expect(path).toContainText('klp_init_object_loaded');
    await expect(path).toContainText('module_disable_ro');
    await expect(page).toHaveURL(new RegExp(`row=${row}`));
    await expect(step).toContainText(at);
  }
});
