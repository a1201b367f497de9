// Zooming a big module's memory map with the keyboard: ext4.ko (Debian 6.1, a 1 MiB+ core) loaded
// alone, its pages start as a strip of 5 px cells; + on the focused map zooms until one page is
// readable, the overview frames the visible window, and a click on the overview jumps there.
import { fileURLToPath } from 'node:url';
import { expect, test } from './helpers.ts';

const ext4 = fileURLToPath(new URL('../truth/v6.1/debian-43/ko/ext4.ko', import.meta.url));

test('zoom a big module with + until a page is readable; the overview marks the window', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('./?view=explain');
  await expect(page.getByTestId('run-status')).toContainText('steps', { timeout: 30_000 });
  await page.getByTestId('file-input').setInputFiles(ext4);
  const option = page.getByLabel('Step 1: module').locator('option[value^="file:"]', { hasText: 'ext4' });
  await expect(option).toHaveCount(1, { timeout: 60_000 });
  await page.getByLabel('Step 1: module').selectOption((await option.getAttribute('value'))!);
  await page.getByLabel('Remove step 2').click();
  await page.getByLabel('invent missing symbols').check();
  await page.getByTestId('run').click();
  await expect(page.getByTestId('run-status')).toContainText('ext4', { timeout: 60_000 });
  const canvas = page.getByTestId('map-canvas');
  const stage = page.getByTestId('map-stage');
  await expect(canvas).toHaveAttribute('data-page-w', '5');
  await expect(page.getByTestId('map-overview')).toHaveCount(0);

  await stage.focus();
  let presses = 0;
  while (Number(await canvas.getAttribute('data-page-w')) < 120 && presses < 30) {
    await page.keyboard.press('+');
    presses++;
  }
  const pageW = Number(await canvas.getAttribute('data-page-w'));
  expect(pageW).toBeGreaterThanOrEqual(120);
  expect(presses).toBeGreaterThan(5);
  // The canvas stays the view's width: the zoomed map is panned, not a wider page.
  const box = (await canvas.boundingBox())!;
  expect(box.width).toBeLessThanOrEqual(1280);
  // Zoomed around the view's centre: some pages of the core in the middle of the region.
  await expect(page.getByTestId('map-zoom-shows')).toContainText(/^ext4 core: pages [1-9]\d*–\d+ of 240$/);

  // The overview's window: a small part of the strip, inside it.
  const overview = (await page.getByTestId('map-overview').boundingBox())!;
  const win = page.getByTestId('map-overview-window');
  let w = (await win.boundingBox())!;
  expect(w.x).toBeGreaterThan(overview.x);
  expect(w.width).toBeGreaterThan(1);
  expect(w.width).toBeLessThan(overview.width / 5);

  // → pans: the window moves right.
  const pan = Number(await stage.getAttribute('data-pan'));
  const view = await page.getByTestId('memory-map').evaluate((el) => el.clientWidth);
  await page.keyboard.press('ArrowRight');
  await expect(stage).toHaveAttribute('data-pan', String(Math.round(pan + view * 0.4)));
  expect((await win.boundingBox())!.x).toBeGreaterThan(w.x);
  // A click in the middle of the overview centres the view there.
  await page.getByTestId('map-overview').click({ position: { x: overview.width / 2, y: 10 } });
  w = (await win.boundingBox())!;
  expect(Math.abs(w.x + w.width / 2 - (overview.x + overview.width / 2))).toBeLessThan(3);
  await expect(page.getByTestId('map-zoom-shows')).not.toContainText('pages 0–');
  await stage.focus();
  await page.keyboard.press('0');
  await expect(canvas).toHaveAttribute('data-page-w', '5');
  await expect(stage).toHaveAttribute('data-zoom', '1.00');
});
