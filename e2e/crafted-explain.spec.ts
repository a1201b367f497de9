// Crafted modules a kernel would load, in the Explain view (issue #16 §3): the run completes, the
// step and its write are shown, the exports are well-formed, and the other open files keep working.
// The files are made in code (src/fuzz/crafted.ts).
import { readFileSync } from 'node:fs';
import type { Download, Page } from '@playwright/test';
import { longNames, noneRelocations } from './crafted_inputs.ts';
import { expect, openApp, test } from './helpers.ts';

async function open(page: Page, name: string, bytes: Uint8Array) {
  await page
    .getByTestId('file-input')
    .setInputFiles({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
  // decoding 240 MB takes seconds on a loaded machine: wait for it, time nothing
  await expect(page.getByTestId('file-summary').locator('h2')).toContainText(name, { timeout: 120_000 });
  await expect(page.getByTestId('busy')).toHaveCount(0, { timeout: 120_000 });
}

/** Runs `insmod name` alone on 6.1 in the Explain view. */
async function explain(page: Page, name: string) {
  await page.getByTestId('view-explain').click();
  await expect(page.getByTestId('run-status')).toContainText('steps', { timeout: 30_000 });
  const option = page.getByLabel('Step 1: module').locator('option[value^="file:"]', { hasText: name });
  await page.getByLabel('Step 1: module').selectOption((await option.getAttribute('value'))!);
  await page.getByLabel('Remove step 2').click();
  await page.getByLabel('invent missing symbols').check();
  await page.getByTestId('run').click();
  await expect(page.getByTestId('run-status')).toContainText(`insmod ${name}: ok`, { timeout: 120_000 });
  await expect(page.getByTestId('map-canvas')).toHaveAttribute('data-draw-ms', /\d/);
}

/** Steps forward until the step's title contains `title`. */
async function stepTo(page: Page, title: string) {
  await page.getByTestId('explain').focus();
  for (let i = 0; i < 60; i++) {
    if ((await page.getByTestId('step-title').innerText()).includes(title)) return;
    const at = await page.getByTestId('step-count').innerText();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('step-count')).not.toHaveText(at);
  }
  throw new Error(`no step titled "${title}"`);
}

async function text(d: Download): Promise<string> {
  return readFileSync((await d.path())!, 'utf8');
}

/** The step's SVG export, parsed by the browser: well-formed, an <svg> root, holding `expected`. */
async function expectSvgExport(page: Page, expected: string[]) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-svg').click()]);
  const svg = await text(d);
  const parsed = await page.evaluate((s) => {
    const doc = new DOMParser().parseFromString(s, 'image/svg+xml');
    return { root: doc.documentElement.nodeName, errors: doc.getElementsByTagName('parsererror').length };
  }, svg);
  expect(parsed).toEqual({ root: 'svg', errors: 0 });
  for (const e of expected) expect(svg).toContain(e);
  const [p] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-png').click()]);
  const png = readFileSync((await p.path())!);
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.length).toBeGreaterThan(10_000);
  await expect(page.getByTestId('share-status')).not.toContainText('failed');
}

test('1,000 symbols naming one 1 MiB string: a 1 GiB core region loads, its name copy is shown and exported', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openApp(page);
  await open(page, 'base-long-names.ko', longNames());
  await page.getByTestId('tab-symbols').click();
  await expect(page.getByTestId('symbols-table')).toContainText('aaaaaaaa');
  await explain(page, 'base-long-names.ko');
  await stepTo(page, 'copy the kept symbols');
  // 262,144 pages drawn as a picture a screen or two tall, not 11,000 px of 5 px pages
  const height = await page
    .getByTestId('map-canvas')
    .evaluate((c) => Number.parseFloat((c as HTMLElement).style.height));
  expect(height).toBeLessThan(1200);
  await page.getByTestId('write-list').locator('tr', { hasText: 'core_kallsyms.strtab' }).locator('button').click();
  await expect(page.getByTestId('wd-length')).toHaveText('1,048,577,263 bytes; the first 4,096 are shown');
  await expectSvgExport(page, ['copy the kept symbols', '1000.0 MiB']);
  expect(errors).toEqual([]);
});

test('10 million R_X86_64_NONE relocations on one byte: all listed, explained, exported; the other file still works', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openApp(page);
  const first = /^[\w.-]+?\.ko/.exec(await page.getByTestId('file-summary').locator('h2').innerText())![0];
  await open(page, 'none-10m.ko.gz', noneRelocations(10_000_000));
  await page.getByTestId('tab-relocations').click();
  const picker = page.getByTestId('reloc-picker');
  await picker.selectOption((await picker.locator('option', { hasText: '.rela.data.crafted' }).getAttribute('value'))!);
  await expect(page.getByTestId('reloc-caption')).toContainText('10,000,000');
  const table = page.getByTestId('relocations-table');
  expect(await table.locator('.vt-body [role=row]').count()).toBeLessThan(200);
  // the last entry is reachable (the body of 10M rows of 22 px is taller than a browser draws)
  await table.locator('.vt-body [role=row]').first().click();
  await page.keyboard.press('End');
  await expect(table.locator('[aria-selected=true]')).toContainText('9999999');
  await expect(table.locator('.vt-body [role=row]').last()).toBeInViewport();
  await expect(table.locator('.vt-body [role=row]').last()).toContainText('9999999');
  // the filter tests each symbol and type once, not each entry
  await page.getByTestId('reloc-filter').fill('r_x86_64_none');
  await expect(page.getByTestId('reloc-caption')).toContainText('10,000,000 Elf64_Rela entries (10,000,000 shown)');
  await page.getByTestId('reloc-filter').fill('pc32');
  await expect(page.getByTestId('reloc-caption')).toContainText('(0 shown)');
  await page.getByTestId('reloc-filter').fill('');

  await explain(page, 'none-10m.ko.gz');
  await stepTo(page, 'apply .rela.data.crafted');
  await expectSvgExport(page, ['apply .rela.data.crafted to .data.crafted']);

  // the file opened before still works
  await page.getByTestId('view-inspect').click();
  await page.getByTestId('file-entry').filter({ hasText: first }).click();
  await expect(page.getByTestId('file-summary').locator('h2')).toContainText(first);
  await page.getByTestId('tab-sections').click();
  await expect(page.getByTestId('sections-table')).toContainText('.text');
  expect(errors).toEqual([]);
});
