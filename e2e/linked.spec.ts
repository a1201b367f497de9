// The explainer and the ELF inspector linked both ways: a write's relocation entry, its symbol and
// its bytes (hex view); an inspector entry back to the step that wrote it; own files in roles.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { expect, test } from './helpers.ts';

const samplePath = (p: string) => fileURLToPath(new URL(`../public/samples/${p}`, import.meta.url));

async function openExplain(page: Page, query = ''): Promise<void> {
  await page.goto(`./?view=explain${query}`);
  await expect(page.getByTestId('run-status')).toContainText('insmod klp_demo_patch.ko: ok', { timeout: 30_000 });
}

/** Selects the first relocation write of the livepatch (a .klp.rela entry when there is one). */
async function selectPatchRelocation(page: Page): Promise<void> {
  await page.getByTestId('phase-apply_relocations').last().click();
  await expect(page.getByTestId('call-path')).toContainText('apply_relocations');
  await page.getByTestId('map-mark').first().click();
  await expect(page.getByTestId('write-detail')).toBeVisible();
}

const stepOf = async (page: Page) => Number(/step (\d+)/.exec(await page.getByTestId('step-count').innerText())![1]);

test('write detail → the relocation row in the inspector, and back to the same write', async ({ page }) => {
  await openExplain(page);
  await selectPatchRelocation(page);
  const detail = page.getByTestId('write-detail');
  const type = (await detail.getByTestId('wd-type').innerText()).trim();
  const [, relsecName, entry] = /\((\S+) #(\d+)\)/.exec(type)!;
  const step = await stepOf(page);
  await expect(detail.getByTestId('wd-links')).toContainText('klp_demo_patch');

  await detail.getByTestId('wd-show-relocation').click();
  await expect(page.getByTestId('inspector')).toBeVisible();
  await expect(page.getByTestId('file-summary')).toContainText('klp_demo_patch.ko');
  await expect(page.getByTestId('tab-relocations')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('reloc-caption')).toContainText(`'${relsecName}'`);
  const row = page.getByTestId('relocations-table').locator('[role="row"][aria-selected="true"]');
  await expect(row).toHaveCount(1);
  await expect(row.locator('.col-n')).toHaveText(entry!);
  await expect(page.getByTestId('entry-actions')).toContainText(`#${entry}`);

  // …its symbol
  const sym = (await row.locator('.col-name').innerText()).trim();
  await page.getByTestId('entry-symbol').click();
  await expect(page.getByTestId('tab-symbols')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('symbols-table').locator('[role="row"][aria-selected="true"]')).toContainText(sym);

  // and back: the relocation row's "show in Explain" selects the same write at the same step
  await page.getByTestId('tab-relocations').click();
  await page.getByTestId('entry-explain').click();
  await expect(page.getByTestId('explain')).toBeVisible();
  await expect(page.getByTestId('write-detail').getByTestId('wd-type')).toHaveText(type);
  expect(await stepOf(page)).toBe(step);
});

test('an inspector entry whose module is not in the trace on screen runs a load that has it', async ({ page }) => {
  await page.goto('./?sample=klp_demo_target');
  await expect(page.getByTestId('file-summary')).toContainText('klp_demo_target.ko');
  await page.getByTestId('tab-relocations').click();
  await page.getByTestId('relocations-table').locator('[role="row"]').nth(1).click();
  await page.getByTestId('entry-explain').click();
  await expect(page.getByTestId('explain')).toBeVisible();
  await expect(page.getByTestId('run-status')).toContainText('insmod klp_demo_target.ko: ok', { timeout: 30_000 });
  await expect(page.getByTestId('write-detail').getByTestId('wd-type')).toContainText('#0)');
});

test('hex view: the selected relocation site is highlighted with the file bytes; the write detail shows them in context', async ({
  page,
}) => {
  await openExplain(page);
  await selectPatchRelocation(page);
  const detail = page.getByTestId('write-detail');
  // context bytes: the site before and after the write, as the write's own bytes say
  const before = (await detail.getByTestId('wd-before').innerText()).trim().split(' ');
  const after = (await detail.getByTestId('wd-after').innerText()).trim().split(' ');
  await expect(detail.getByTestId('wd-context')).toBeVisible();
  await expect(detail.getByTestId('ctx-before')).toHaveText(before);
  await expect(detail.getByTestId('ctx-after')).toHaveText(after);

  await detail.getByTestId('wd-show-hex').click();
  await expect(page.getByTestId('tab-hex')).toHaveAttribute('aria-selected', 'true');
  const hl = page.getByTestId('hex-hl');
  await expect(hl).toHaveCount(before.length);
  // the file's bytes at the site: a rela site holds zeros in a .ko (the addend is in the entry)
  await expect(hl).toHaveText(before.map(() => /^[0-9a-f]{2}$/));
  await expect(page.getByTestId('hex-highlight-note')).toContainText(`${before.length} bytes`);
  // windowed: a big section does not put every row in the DOM
  expect(await page.getByTestId('hex-row').count()).toBeLessThan(200);

  // the inspector's own route: select an entry, "bytes in hex"
  await page.getByTestId('tab-relocations').click();
  await page.getByTestId('relocations-table').locator('[role="row"]').nth(1).click();
  await page.getByTestId('entry-hex').click();
  await expect(page.getByTestId('hex-hl')).toHaveCount(4);
  await expect(page.getByTestId('hex-caption')).toContainText('#0');
});

test('hex view of a section of a compressed file is read from the decompressed ELF', async ({ page }) => {
  await page.goto('./?view=inspect');
  await expect(page.getByTestId('file-summary')).toBeVisible();
  await page.getByTestId('file-input').setInputFiles(fileURLToPath(new URL('./fixtures/crc7.ko.xz', import.meta.url)));
  await expect(page.getByTestId('file-summary')).toContainText('crc7.ko.xz');
  await page.getByTestId('tab-hex').click();
  await page
    .getByTestId('hex-section')
    .selectOption({ label: /\.text/ } as never)
    .catch(() => undefined);
  await expect(page.getByTestId('hex-row').first()).not.toContainText('··');
  // ELF header bytes are not what a section shows: .text starts with code, not \x7fELF
  await expect(page.getByTestId('hex-row').first()).not.toContainText('7f 45 4c 46');
});

test('own file as the patch (P) of a scenario', async ({ page }) => {
  await page.goto('./?view=inspect');
  await expect(page.getByTestId('file-summary')).toBeVisible();
  await page.getByTestId('file-input').setInputFiles({
    name: 'my_patch.ko',
    mimeType: 'application/octet-stream',
    buffer: readFileSync(samplePath('klp/klp_demo_patch.ko')),
  });
  await expect(page.getByTestId('file-summary')).toContainText('my_patch.ko');
  await page.getByTestId('view-explain').click();
  await expect(page.getByTestId('run-status')).toContainText('insmod klp_demo_patch.ko: ok', { timeout: 30_000 });
  await page.getByTestId('mode').selectOption('scenario');
  await page.getByTestId('scenario').selectOption('late-load');
  await expect(page.getByTestId('role-T')).toBeVisible();
  await page.getByTestId('role-P').selectOption({ label: 'my_patch.ko — your file' });
  await page.getByTestId('run').click();
  await expect(page.getByTestId('run-status')).toContainText('insmod klp_demo_patch: ok', { timeout: 30_000 });
  await expect(page.getByTestId('ran-roles')).toHaveText(/P = my_patch\.ko/);
  // the write detail links to the user's file
  await page.getByTestId('phase-apply_relocations').first().click();
  await page.getByTestId('map-mark').first().click();
  await page.getByTestId('write-detail').getByTestId('wd-show-relocation').click();
  await expect(page.getByTestId('file-summary')).toContainText('my_patch.ko');

  // compare: the same choice, two designs
  await page.getByTestId('view-explain').click();
  await page.getByTestId('mode').selectOption('compare');
  await page.getByTestId('role-P').selectOption({ label: 'my_patch.ko — your file' });
  await page.getByTestId('run').click();
  await expect(page.getByTestId('compare-column')).toHaveCount(2, { timeout: 30_000 });
  await page.getByTestId('explain').focus();
  await page.keyboard.press('Home');
  await expect(page.getByTestId('compare-status').getByTestId('ran-roles')).toHaveText(/P = my_patch\.ko/);
  // late-load starts with the patch: its insmod names the user's file in every column
  for (const col of await page.getByTestId('compare-column').all())
    await expect(col).toContainText('insmod my_patch.ko');
});
