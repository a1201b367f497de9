// No sample list makes anyone guess: the two klp_demo_patch.ko of the 6.1 build say which is
// before klp-convert, and a file the user opened is marked as theirs.
import { expect, fixture, test } from './helpers.ts';

test('Built-in samples name every entry; a file the user opened is marked as such', async ({ page }) => {
  await page.goto('./?view=inspect');
  const picker = page.getByTestId('sample-picker');
  await expect(picker.locator('option')).toHaveText([
    'Open a sample…',
    'klp_demo_patch.ko — converted livepatch',
    'klp_demo_target.ko — target',
    'klp_demo_target2.ko — second target',
    'klp_demo_replace.ko — cumulative livepatch',
    'klp_demo_patch.ko — before klp-convert (the kernel refuses it)',
    'klp_demo_patch.ko — 6.12 build, converted',
    'klp_demo_target.ko — 6.12 build, target',
    'klp_demo_target2.ko — 6.12 build, second target',
    'klp_demo_replace.ko — 6.12 build, cumulative',
    'veth.ko — Debian 6.1, signed',
  ]);
  await expect(page.getByTestId('file-entry').first()).toContainText('built-in sample');
  await page.getByTestId('file-input').setInputFiles(fixture('crc7.ko'));
  await expect(page.locator('[data-testid="file-entry"][data-file="crc7.ko"]')).toContainText('your file');

  await page.getByTestId('view-explain').click();
  const module = page.getByLabel('Step 1: module');
  await expect(module.locator('optgroup[label="Open in the inspector"] option')).toHaveText([
    'klp_demo_patch.ko — built-in sample, open in the inspector',
    'crc7.ko — your file',
  ]);
  await expect(module.locator('optgroup[label="Built-in samples"] option').nth(4)).toHaveText(
    'klp_demo_patch.ko — before klp-convert (the kernel refuses it)',
  );
});
