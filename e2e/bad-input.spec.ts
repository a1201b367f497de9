// Whatever the user gives the app, it answers with the kernel's refusal (or a plain reason) and
// stays usable: an empty file, a picture, a corrupt compressed module, a file too big to read.
import { closeSync, ftruncateSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { currentFileName, expect, openApp, openThroughInput, test } from './helpers.ts';

function damaged(b: Buffer): Buffer {
  const out = Buffer.from(b);
  out[40]! ^= 0xff;
  out[41]! ^= 0x55;
  return out;
}

const cases: Array<{ name: string; bytes: Buffer; message: string; errno: string; where: string }> = [
  {
    name: 'empty.ko',
    bytes: Buffer.alloc(0),
    message: 'Invalid ELF header len 0',
    errno: 'ENOEXEC',
    where: 'elf_validity_check',
  },
  {
    name: 'picture.png',
    bytes: Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex'),
    message: 'Invalid ELF header len 33',
    errno: 'ENOEXEC',
    where: 'elf_validity_check',
  },
  {
    // a real .ko.xz with two bytes of its compressed data damaged: XZ_DATA_ERROR (7), as
    // module_xz_decompress() prints it (same input as src/decompress/decompress.test.ts)
    name: 'corrupt.ko.xz',
    bytes: damaged(readFileSync(new URL('../src/decompress/__fixtures__/crc7.ko.xz', import.meta.url))),
    message: 'decompression failed with status 7',
    errno: 'EINVAL',
    where: 'module_decompress',
  },
];

for (const c of cases) {
  test(`${c.name}: ${c.message}, then the next file opens`, async ({ page }) => {
    await openApp(page);
    await page
      .getByTestId('file-input')
      .setInputFiles({ name: c.name, mimeType: 'application/octet-stream', buffer: c.bytes });
    await expect(page.getByTestId('kernel-message')).toHaveText(c.message);
    await expect(page.getByTestId('errno')).toContainText(c.errno);
    await expect(page.getByTestId('error-where')).toContainText(c.where);
    await openThroughInput(page, 'crc7.ko');
    await expect(currentFileName(page)).toContainText('crc7.ko');
  });
}

test('a file over INT_MAX bytes is refused before it is read (EFBIG), and the app goes on', async ({ page }) => {
  // sparse: 2 GiB on paper, nothing on disk
  const path = `${mkdtempSync(`${tmpdir()}/klp-lab-big-`)}/huge.ko`;
  const fd = openSync(path, 'w');
  ftruncateSync(fd, 2 ** 31 + 4096);
  closeSync(fd);
  await openApp(page);
  await page.getByTestId('file-input').setInputFiles(path);
  await expect(page.getByTestId('errno')).toContainText('EFBIG');
  await expect(page.getByTestId('error-where')).toContainText('kernel_read_file');
  await openThroughInput(page, 'crc7.ko');
  await expect(currentFileName(page)).toContainText('crc7.ko');
});
