import {
  currentFileName,
  dropFile,
  expect,
  fixture as fixtureFor,
  openApp,
  openThroughInput,
  test,
} from './helpers.ts';

test('opens a real module through the file input', async ({ page }) => {
  await openApp(page);
  await openThroughInput(page, 'crc7.ko');
  await expect(currentFileName(page)).toContainText('crc7.ko');
  await expect(page.getByTestId('file-entry')).toHaveCount(2);
  await page.getByTestId('tab-symbols').click();
  await expect(page.getByTestId('symbols-table')).toContainText('crc7_be');
});

test('opens a module dropped anywhere on the page', async ({ page }) => {
  await openApp(page);
  await dropFile(page, 'crc7.ko');
  await expect(currentFileName(page)).toContainText('crc7.ko');
  await expect(page.getByTestId('drop-zone')).toHaveAttribute('data-active', 'false');
});

for (const [file, compression] of [
  ['crc7.ko.xz', 'xz'],
  ['crc7.ko.gz', 'gzip'],
  ['crc7.ko.zst', 'zstd'],
] as const) {
  test(`opens a ${compression}-compressed module (${file})`, async ({ page }) => {
    await openApp(page);
    await openThroughInput(page, file);
    await expect(currentFileName(page)).toContainText(file);
    await expect(page.getByTestId('file-summary')).toContainText(`(${compression})`);
    await expect(page.getByTestId('sections-table')).toContainText('.text');
  });
}

test('a garbage file shows the kernel message and the app opens the next file', async ({ page }) => {
  await openApp(page);
  await openThroughInput(page, 'garbage.ko');
  const panel = page.getByTestId('error-panel');
  await expect(panel).toBeVisible();
  await expect(page.getByTestId('kernel-message')).toHaveText('Invalid ELF header magic: != \\177ELF');
  await expect(page.getByTestId('errno')).toContainText('ENOEXEC');
  await expect(page.getByTestId('error-where')).toContainText('elf_validity_check');

  await openThroughInput(page, 'crc7.ko');
  await expect(panel).toHaveCount(0);
  await expect(currentFileName(page)).toContainText('crc7.ko');
});

test('several files stay open and can be switched', async ({ page }) => {
  await openApp(page);
  await openThroughInput(page, 'crc7.ko');
  await openThroughInput(page, 'crc7.ko.xz');
  const entries = page.getByTestId('file-entry');
  await expect(entries).toHaveCount(3);
  await entries.first().click();
  await expect(currentFileName(page)).not.toContainText('crc7');
  await page.getByRole('button', { name: 'Close crc7.ko.xz' }).click();
  await expect(entries).toHaveCount(2);
});

test('the newer of two quick opens wins', async ({ page }) => {
  await openApp(page);
  const input = page.getByTestId('file-input');
  await input.setInputFiles(fixtureFor('crc7.ko.xz'));
  await input.setInputFiles(fixtureFor('crc7.ko.gz'));
  await expect(page.getByTestId('busy')).toHaveCount(0);
  await expect(currentFileName(page)).toContainText('crc7.ko.gz');
});
