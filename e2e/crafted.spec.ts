// Crafted files in the browser (issue #16 §3): the page stays responsive and shows hostile names
// escaped. The files are made in code (src/fuzz/crafted.ts).

import { readFileSync } from 'node:fs';
import { gzipSync } from 'fflate';
import { bigModinfo, hostileNames } from '../src/fuzz/crafted.ts';
import { expect, fixture, openApp, openThroughInput, test } from './helpers.ts';

async function open(page: import('@playwright/test').Page, name: string, bytes: Uint8Array) {
  await page
    .getByTestId('file-input')
    .setInputFiles({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
  // decoding a million entries takes seconds on a loaded machine: wait for it, time nothing
  await expect(page.getByTestId('file-summary').locator('h2')).toContainText(name, { timeout: 150_000 });
  await expect(page.getByTestId('busy')).toHaveCount(0, { timeout: 150_000 });
}

test('a million .modinfo entries: the Modinfo tab is windowed and the page stays usable', async ({ page }) => {
  test.setTimeout(240_000);
  await openApp(page);
  await open(page, 'modinfo-1m.ko.gz', gzipSync(bigModinfo(1_000_000)));
  await page.getByTestId('tab-modinfo').click();
  await expect(page.getByTestId('modinfo-count')).toHaveText('1,000,000 entries');
  const rows = await page.getByTestId('modinfo').locator('[role=row]').count();
  expect(rows).toBeLessThan(200);
  // still usable: a frame is painted and the other tabs answer
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
  await page.getByTestId('tab-sections').click();
  await expect(page.getByTestId('tab-sections')).toHaveAttribute('aria-selected', 'true');
});

test('one 16 MB .modinfo value is shown cut, with its length', async ({ page }) => {
  await openApp(page);
  await open(page, 'modinfo-16m.ko', bigModinfo(1, 2 ** 24));
  await page.getByTestId('tab-modinfo').click();
  const row = page.getByTestId('modinfo').locator('.vt-body [role=row]').first();
  await expect(row).toContainText('16,777,216');
  const shown = await row.locator('.col-value').textContent();
  expect(shown!.length).toBeLessThan(500);
  expect(shown).toContain('(16,777,216 characters)');
});

test('control and bidi characters in names are shown escaped', async ({ page }) => {
  await openApp(page);
  await open(page, 'hostile-names.ko', hostileNames());
  await page.getByTestId('tab-sections').click();
  const sections = page.getByTestId('sections-table');
  await expect(sections).toContainText('\\u202eatad.evil');
  await expect(sections).toContainText('hostile\\x0a\\x1b[1A\\x1b[2Kinsmod: hostile.ko loaded OK');
  await expect(sections).not.toContainText('\u202e');
  await page.getByTestId('tab-symbols').click();
  await expect(page.getByTestId('symbols-table')).toContainText('bell\\x07del\\x7fc1\\x9bend');
  await expect(page.getByTestId('symbols-table')).toContainText('iso\\u2066late\\u2069');
});

test('a Debian module verifies against the built-in key in the worker; a garbage signature is EBADMSG, never "signed"', async ({
  page,
}) => {
  await openApp(page);
  await openThroughInput(page, 'crc7.ko.xz');
  await expect(page.getByTestId('signature-badge')).toHaveText('signed, verified');
  const signed = new Uint8Array(readFileSync(fixture('crc7.ko')));
  const marker = new TextEncoder().encode('~Module signature appended~\n');
  const n = signed.length - marker.length;
  const sigLen = new DataView(signed.buffer).getUint32(n - 4, false);
  const garbage = signed.slice();
  garbage.fill(0x41, n - 12 - sigLen, n - 12);
  await page.getByTestId('file-input').setInputFiles({
    name: 'garbage-sig.ko',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from(garbage),
  });
  await expect(page.getByTestId('errno')).toContainText('EBADMSG');
  await expect(page.getByTestId('error-where')).toContainText('pkcs7_parse_message');
});
