// The side-by-side comparison of strategies: v5.4-flip vs text-poke on late-load by default.
// Rows and steps are found through what the page says, never by fixed indices.
import type { Page } from '@playwright/test';
import { expect, test } from './helpers.ts';

async function openCompare(page: Page, query = 'compare=v5.4-flip,text-poke&scenario=late-load'): Promise<void> {
  await page.goto(`./?view=explain&${query}`);
  await expect(page.getByTestId('compare-status')).toContainText('aligned rows', { timeout: 30_000 });
}

const column = (page: Page, strategy: string) =>
  page.locator(`[data-testid="compare-column"][data-strategy="${strategy}"]`);
const rowOf = async (page: Page) => Number(/row (\d+)/.exec(await page.getByTestId('compare-row').innerText())![1]);
const stepOf = async (page: Page, strategy: string) =>
  Number(/step (\d+)/.exec(await column(page, strategy).getByTestId('column-step').innerText())![1]);

test('reached from the single view: the default comparison is v5.4-flip vs text-poke on late-load', async ({
  page,
}) => {
  await page.goto('./?view=explain');
  await expect(page.getByTestId('run-status')).toContainText('insmod klp_demo_patch.ko: ok', { timeout: 30_000 });
  await page.getByTestId('open-compare').click();
  await expect(page.getByTestId('compare-status')).toContainText('late-load: v5.4-flip vs text-poke', {
    timeout: 30_000,
  });
  await expect(page.getByTestId('compare-column')).toHaveCount(2);
  await expect(page).toHaveURL(/compare=v5\.4-flip%2Ctext-poke|compare=v5\.4-flip,text-poke/);
  // the mode switch offers it too, with the same default
  await page.getByTestId('mode').selectOption('sequence');
  await page.getByTestId('mode').selectOption('compare');
  await expect(page.getByTestId('compare-v5.4-flip')).toBeChecked();
  await expect(page.getByTestId('compare-text-poke')).toBeChecked();
  await expect(page.getByTestId('scenario')).toHaveValue('late-load');
});

test('both columns render a map and narration; it opens on the first W^X difference', async ({ page }) => {
  await openCompare(page);
  for (const s of ['v5.4-flip', 'text-poke']) {
    await expect(column(page, s).getByTestId('map-canvas')).toBeVisible();
    await expect(column(page, s).getByTestId('narration')).toBeVisible();
  }
  await expect(column(page, 'v5.4-flip')).toContainText('merged, 4.x–5.7');
  await expect(column(page, 'text-poke')).toContainText('kernel 6.1');
  // the first difference on W^X: 5.4's module_disable_ro(), nothing in text-poke
  await expect(page.getByTestId('diff-here')).toHaveAttribute('data-diff', 'wx');
  await expect(column(page, 'v5.4-flip').getByTestId('call-path')).toContainText('module_disable_ro');
  await expect(column(page, 'v5.4-flip').getByTestId('rwx-alarm')).toBeVisible();
  await expect(column(page, 'v5.4-flip')).toHaveClass(/differs/);
  await expect(column(page, 'text-poke').getByTestId('held-note')).toContainText('No equivalent step in text-poke');
  await expect(column(page, 'text-poke').getByTestId('rwx-alarm')).toHaveCount(0);
  const patchText = (s: string) =>
    column(page, s).getByTestId('map-text').locator('li[data-region="klp_demo_patch core"]').first();
  await expect(patchText('v5.4-flip')).toHaveAttribute('data-perms', /^RWX!/);
  await expect(patchText('text-poke')).toHaveAttribute('data-perms', /^RX/);
  // the timeline marks that row as a W^X difference
  const row = await rowOf(page);
  await expect(page.locator(`[data-testid="diff-strip"] rect[data-row="${row}"]`)).toHaveAttribute('data-diff', 'wx');
});

test('one step control moves both columns; keys and scrubbing too', async ({ page }) => {
  await openCompare(page);
  await page.getByRole('button', { name: 'First step (Home)' }).click();
  await expect(page.getByTestId('compare-row')).toContainText('row 0 /');
  expect(await stepOf(page, 'v5.4-flip')).toBe(0);
  expect(await stepOf(page, 'text-poke')).toBe(0);
  // to the first relocation step of 5.4, with the button
  for (
    let i = 0;
    i < 60 && !(await column(page, 'v5.4-flip').getByTestId('call-path').innerText()).includes('apply_relocate_add');
    i++
  )
    await page.getByRole('button', { name: 'Next step (→)' }).click();
  const at = await rowOf(page);
  const a = await stepOf(page, 'v5.4-flip');
  const b = await stepOf(page, 'text-poke');
  expect(a).toBeGreaterThan(5);
  expect(b).toBeGreaterThan(5);
  // same kernel function in both at an aligned row
  await expect(column(page, 'v5.4-flip').getByTestId('call-path')).toContainText('apply_relocate_add');
  await expect(column(page, 'text-poke').getByTestId('call-path')).toContainText('apply_relocate_add');

  await page.getByTestId('explain').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('compare-row')).toContainText(`row ${at + 1} /`);
  expect(await stepOf(page, 'v5.4-flip')).toBe(a + 1);
  expect(await stepOf(page, 'text-poke')).toBe(b + 1);
  await page.keyboard.press(']');
  await expect(column(page, 'v5.4-flip').getByTestId('step-title')).toContainText('insmod klp_demo_target');
  await expect(column(page, 'text-poke').getByTestId('step-title')).toContainText('insmod klp_demo_target');
  // `d` walks the differences of the target's load in order: 5.4's ftrace (probe_kernel_write
  // inside the all-modules window) comes before the late relocations of klp_module_coming()
  const kinds: string[] = [];
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('d');
    await expect(page.getByTestId('diff-here')).toBeVisible();
    kinds.push((await page.getByTestId('diff-here').getAttribute('data-diff')) ?? '');
    if ((await column(page, 'v5.4-flip').getByTestId('call-path').innerText()).includes('klp_module_coming')) break;
  }
  await expect(column(page, 'v5.4-flip').getByTestId('call-path')).toContainText('klp_module_coming');
  expect(kinds.at(-1)).toBe('wx');
  await page.keyboard.press('End');
  const last = await rowOf(page);
  const box = (await page.getByTestId('compare-timeline').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height - 20);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.35, box.y + box.height - 20);
  await page.mouse.up();
  const scrubbed = await rowOf(page);
  expect(scrubbed).toBeGreaterThan(0);
  expect(scrubbed).toBeLessThan(last);
  // the permalink keeps the row
  await expect(page).toHaveURL(new RegExp(`row=${scrubbed}`));
  await page.reload();
  await expect(page.getByTestId('compare-status')).toContainText('aligned rows', { timeout: 30_000 });
  await expect(page.getByTestId('compare-row')).toContainText(`row ${scrubbed} /`);
});

test('the metrics table: an RWX window for v5.4-flip, none for text-poke', async ({ page }) => {
  await openCompare(page);
  const table = page.getByTestId('metrics-table');
  const rwx = (s: string) => table.locator(`tr[data-strategy="${s}"] td[data-metric="rwx"]`);
  await expect(rwx('v5.4-flip')).toContainText('RWX!');
  expect(Number(await rwx('v5.4-flip').getAttribute('data-count'))).toBeGreaterThan(0);
  await expect(rwx('text-poke')).toHaveText('none');
  await expect(rwx('text-poke')).toHaveAttribute('data-count', '0');
  await expect(table.locator('tr[data-strategy="text-poke"] td[data-metric="text_poke"]')).not.toHaveText(/^0 · 0$/);
  await expect(table.locator('tr[data-strategy="v5.4-flip"] td[data-metric="outcome"]')).toHaveText('all ok');
});

test('refused strategies say why in their column; reconstructions show their packaging and badge', async ({ page }) => {
  await openCompare(page, 'compare=forbid-late,klp-text,split&scenario=late-load');
  await expect(column(page, 'forbid-late').getByTestId('column-refused')).toContainText(
    'forbid-late refuses late-load',
  );
  await expect(page.getByTestId('metrics-table').locator('tr[data-strategy="forbid-late"]')).toContainText('refused');
  const kt = column(page, 'klp-text');
  await expect(kt.getByTestId('strategy-reconstruction')).toContainText('never merged');
  await expect(kt.getByTestId('packaging')).toContainText('.klp.text.klp_demo_target');
  await expect(kt.getByTestId('packaging')).toContainText('livepatch_klp_demo_greeting');
  await expect(column(page, 'split').getByTestId('packaging')).toContainText('klp_demo_patch__klp_demo_target.ko');
  // a step of the .klp.text hooks carries the reconstruction badge and no kernel source link
  await page.getByRole('button', { name: 'First step (Home)' }).click();
  await page.getByTestId('explain').focus();
  for (let i = 0; i < 200; i++) {
    if (await kt.getByTestId('reconstruction-badge').count()) break;
    await page.keyboard.press('ArrowRight');
  }
  await expect(kt.getByTestId('reconstruction-badge')).toBeVisible();
  await expect(kt.getByTestId('reconstruction-source')).toContainText('No kernel source');
  await expect(kt.getByTestId('source-link')).toHaveCount(0);
});

test('the kernel picker offers 6.3 and 6.4; on 6.4 the map has one region per MOD_* type', async ({ page }) => {
  await page.goto('./?view=explain&kernel=6.4&seq=insmod:klp_demo_target,insmod:klp_demo_patch');
  await expect(page.getByTestId('run-status')).toContainText('insmod klp_demo_patch.ko: ok', { timeout: 30_000 });
  await expect(page.getByRole('radio', { name: '6.3' })).toBeVisible();
  await expect(page.getByRole('radio', { name: /6\.4/ })).toBeChecked();
  await expect(page.getByTestId('run-status')).toContainText('v6.4:'); // the 6.4 profile follows v6.4 itself
  await page.getByTestId('explain').focus();
  await page.keyboard.press('End');
  const regions = await page
    .getByTestId('map-text')
    .locator('li')
    .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-region')));
  const patch = regions.filter((r) => r?.startsWith('klp_demo_patch '));
  expect(patch).toContain('klp_demo_patch MOD_TEXT');
  expect(patch).toContain('klp_demo_patch MOD_DATA');
  expect(patch.every((r) => /^klp_demo_patch MOD_[A-Z_]+$/.test(r!))).toBe(true);
  expect(new Set(patch).size).toBe(patch.length);
  const text = page.getByTestId('map-text').locator('li[data-region="klp_demo_patch MOD_TEXT"]');
  await expect(text).toHaveAttribute('data-perms', /^RX(,RX)*$/);
});
