// Share, embed, export: v=1 permalinks (and the old query links), the embed demo page with three
// independent figures, exports (SVG parses, has the legend and the step's title; ASCII under 80
// columns with the permalink), and a link to a user's own file asking for the file again.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FrameLocator, Page } from '@playwright/test';
import { expect, fixture, test } from './helpers.ts';

const stepOf = async (f: FrameLocator | Page) =>
  Number(/step (\d+)/.exec(await f.getByTestId('step-count').innerText())![1]);

test('an old query link opens at its step and becomes a v=1 hash link', async ({ page }) => {
  await page.goto('./?view=explain&strategy=v5.4-flip&scenario=late-load&step=31');
  await expect(page.getByTestId('step-count')).toContainText('step 31 /', { timeout: 30_000 });
  await expect
    .poll(() => new URL(page.url()).hash)
    .toContain('v=1&view=explain&strategy=v5.4-flip&scenario=late-load&step=31');
  expect(new URL(page.url()).search).toBe('');
  await page.getByRole('button', { name: 'Next step (→)' }).click();
  await expect.poll(() => page.url()).toContain('step=32');
  await page.reload();
  await expect(page.getByTestId('step-count')).toContainText('step 32 /', { timeout: 30_000 });
});

test('a step named by its kernel function; copy link copies the full v=1 link', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('./#v=1&view=explain&strategy=text-poke&scenario=late-load&step=klp_apply_section_relocs.last');
  await expect(page.getByTestId('call-path')).toContainText('klp_apply_section_relocs', { timeout: 30_000 });
  const step = await stepOf(page);
  expect(step).toBeGreaterThan(40);
  await page.getByTestId('copy-link').click();
  await expect(page.getByTestId('share-status')).toContainText('Link copied');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toMatch(
    new RegExp(`^http://127\\.0\\.0\\.1:\\d+/#v=1&view=explain&strategy=text-poke&scenario=late-load&step=${step}$`),
  );
});

test('get embed code: an <iframe> snippet with ?embed and the state', async ({ page }) => {
  await page.goto('./#v=1&view=explain&strategy=v5.4-flip&scenario=late-load&step=40');
  await expect(page.getByTestId('step-count')).toContainText('step 40 /', { timeout: 30_000 });
  await page.getByTestId('get-embed').click();
  await page.getByTestId('embed-view').selectOption('timeline');
  await page.getByTestId('embed-caption').fill('A <b>caption</b> & more');
  const snippet = await page.getByTestId('embed-snippet').inputValue();
  expect(snippet).toMatch(
    /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/\?embed=timeline#v=1&amp;view=explain&amp;strategy=v5\.4-flip&amp;scenario=late-load&amp;step=40&amp;embed=timeline&amp;caption=A\+%3Cb%3Ecaption%3C%2Fb%3E\+%26\+more" title="A &lt;b>caption&lt;\/b> &amp; more"/,
  );
  // the snippet's URL opens the embed, the caption as text
  const src = /src="([^"]+)"/.exec(snippet)![1]!.replace(/&amp;/g, '&');
  await page.goto(src);
  await expect(page.getByTestId('embed')).toHaveAttribute('data-view', 'timeline');
  await expect(page.getByTestId('embed-caption-text')).toHaveText('A <b>caption</b> & more');
  await expect(page.getByTestId('timeline')).toBeVisible();
  await expect(page.getByTestId('step-count')).toContainText('step 40 /', { timeout: 30_000 });
});

test('the embed demo page: three figures render and step independently', async ({ page }) => {
  await page.goto('./embed-demo.html');
  const rwx = page.frameLocator('#fig-rwx');
  const poke = page.frameLocator('#fig-poke');
  const reload = page.frameLocator('#fig-reload');
  // 1. the 5.4 RWX window: the late relocation of the patch, one RWX page
  await expect(rwx.getByTestId('call-path')).toContainText('klp_write_object_relocations', { timeout: 30_000 });
  await expect(rwx.getByTestId('rwx-alarm')).toBeVisible();
  await expect(rwx.getByTestId('map-canvas')).toBeVisible();
  await expect(rwx.getByTestId('embed-caption-text')).toContainText('The 5.4 RWX window');
  await expect(rwx.getByTestId('map-text').locator('li[data-region="klp_demo_patch core"]').first()).toHaveAttribute(
    'data-perms',
    /^RWX!/,
  );
  // 2. text_poke in 5.8: the same relocation, no RWX page
  await expect(poke.getByTestId('call-path')).toContainText('klp_apply_section_relocs', { timeout: 30_000 });
  await expect(poke.getByTestId('rwx-alarm')).toHaveCount(0);
  await expect(poke.getByTestId('map-text').locator('li[data-region="klp_demo_patch core"]').first()).toHaveAttribute(
    'data-perms',
    /^RX/,
  );
  // 3. reload before and after 6.3: two columns side by side
  await page.locator('#fig-reload').scrollIntoViewIfNeeded();
  await expect(reload.getByTestId('compare-column')).toHaveCount(2, { timeout: 30_000 });
  await expect(reload.getByTestId('compare-status')).toContainText('reload: text-poke vs text-poke-clear');

  // independent: buttons in one frame move only that frame
  const a0 = await stepOf(rwx);
  const b0 = await stepOf(poke);
  await rwx.getByRole('button', { name: 'Next step (→)' }).click();
  await expect(rwx.getByTestId('step-count')).toContainText(`step ${a0 + 1} /`);
  expect(await stepOf(poke)).toBe(b0);
  // keys act in the focused frame only
  await poke.getByTestId('embed').focus();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect(poke.getByTestId('step-count')).toContainText(`step ${b0 - 2} /`);
  expect(await stepOf(rwx)).toBe(a0 + 1);
  const row0 = Number(/row (\d+)/.exec(await reload.getByTestId('compare-row').innerText())![1]);
  await reload.getByTestId('embed').focus();
  await page.keyboard.press('ArrowRight');
  await expect(reload.getByTestId('compare-row')).toContainText(`row ${row0 + 1} /`);
  expect(await stepOf(rwx)).toBe(a0 + 1);
  expect(await stepOf(poke)).toBe(b0 - 2);

  // "open in klp-lab" carries the full state, without the embed
  const href = await poke.getByTestId('open-in-klp-lab').getAttribute('href');
  expect(href).toMatch(new RegExp(`#v=1&view=explain&strategy=text-poke&scenario=late-load&step=${b0 - 2}$`));
  expect(href).not.toContain('embed');
  await expect(poke.getByTestId('open-in-klp-lab')).toHaveAttribute('target', '_blank');
});

test('export: SVG parses, with the legend and the step title; PNG; ASCII under 80 columns with the link', async ({
  page,
}) => {
  await page.goto('./#v=1&view=explain&strategy=v5.4-flip&scenario=late-load&step=klp_write_object_relocations.last');
  await expect(page.getByTestId('rwx-alarm')).toBeVisible({ timeout: 30_000 });
  const title = (await page.getByTestId('step-title').innerText()).trim();
  const [svgDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-svg').click()]);
  expect(svgDownload.suggestedFilename()).toMatch(/^klp-lab-v5\.4-flip-late-load-step\d+\.svg$/);
  const svg = readFileSync((await svgDownload.path())!, 'utf8');
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    return {
      error: doc.querySelector('parsererror')?.textContent ?? null,
      root: doc.documentElement.localName,
      legend: doc.querySelector('[data-role="legend"]')?.textContent ?? '',
      titles: Array.from(doc.querySelectorAll('[data-role="step-title"]'), (t) => t.textContent).join(' '),
      texts: doc.querySelectorAll('text').length,
    };
  }, svg);
  expect(parsed.error).toBeNull();
  expect(parsed.root).toBe('svg');
  expect(parsed.legend).toContain('writable AND executable: W^X broken');
  expect(parsed.legend).toContain('read + execute (r-x)');
  expect(parsed.titles.replace(/\s+/g, ' ')).toContain(
    title
      .replace(/^klp_demo_patch\s*/, '')
      .replace(/\s+/g, ' ')
      .slice(0, 40),
  );
  expect(parsed.texts).toBeGreaterThan(30);

  const [pngDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-png').click()]);
  const png = readFileSync((await pngDownload.path())!);
  expect(png.subarray(1, 4).toString()).toBe('PNG');
  expect(png.readUInt32BE(16)).toBe(3600);

  await page.getByTestId('export-ascii').click();
  const ascii = await page.getByTestId('ascii-text').innerText();
  const lines = ascii.trimEnd().split('\n');
  expect(lines.at(-1)).toBe(page.url());
  for (const line of lines.slice(0, -1)) expect(line.length, line).toBeLessThanOrEqual(78);
  expect(ascii).toContain('RWX! 1 page is writable and executable');
  expect(ascii).toMatch(/klp_demo_patch core\s+!/);
});

test('a link to the user’s own file asks for it again, checks its hash, then shows it', async ({ page }) => {
  const bytes = readFileSync(fixture('crc7.ko.xz'));
  const sha = createHash('sha256').update(bytes).digest('hex');
  await page.goto(`./#v=1&view=inspect&file=${sha}%3Acrc7.ko.xz&open=%400&tab=symbols`);
  await expect(page.getByTestId('file-request')).toContainText('crc7.ko.xz');
  await page.getByTestId('file-request-input').setInputFiles(fixture('crc7.ko.gz'));
  await expect(page.getByTestId('file-request-note')).toContainText('not the file this link names');
  await page.getByTestId('file-request-input').setInputFiles(fixture('crc7.ko.xz'));
  await expect(page.getByTestId('file-request')).toHaveCount(0);
  await expect(page.getByTestId('file-summary').locator('h2')).toContainText('crc7');
  // the link of the inspector now names the file by hash again
  await expect.poll(() => decodeURIComponent(new URL(page.url()).hash)).toContain(`file=${sha}:crc7.ko.xz`);
});
