import { expect, test } from '@playwright/test';
import { dropFile, openApp, openThroughInput } from './helpers.ts';

test('no request ever leaves the origin', async ({ page, context, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const seen: string[] = [];
  context.on('request', (request) => seen.push(request.url()));
  page.on('request', (request) => seen.push(request.url()));
  page.on('websocket', (ws) => seen.push(ws.url()));

  await openApp(page);
  await openThroughInput(page, 'crc7.ko.xz');
  await openThroughInput(page, 'crc7.ko.zst');
  await dropFile(page, 'crc7.ko.gz');
  await openThroughInput(page, 'garbage.ko');
  for (const tab of ['header', 'sections', 'symbols', 'relocations', 'modinfo', 'signature']) {
    await page.getByTestId(`tab-${tab}`).click();
  }
  await page.waitForLoadState('networkidle');

  expect(seen.length).toBeGreaterThan(0);
  const foreign = seen.filter((url) => {
    if (url.startsWith('data:') || url.startsWith('blob:')) return false;
    return new URL(url).origin !== origin;
  });
  expect(foreign).toEqual([]);
});

test('the page forbids other origins by Content-Security-Policy', async ({ page }) => {
  await openApp(page);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("connect-src 'self'");
  const blocked = await page.evaluate(async () => {
    try {
      await fetch('https://example.com/');
      return false;
    } catch {
      return true;
    }
  });
  expect(blocked).toBe(true);
});

test('the explainer, the embed demo page and the exports stay on the origin too', async ({ page, context, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const seen: string[] = [];
  context.on('request', (request) => seen.push(request.url()));
  page.on('websocket', (ws) => seen.push(ws.url()));
  await page.goto('./#v=1&view=explain&strategy=v5.4-flip&scenario=late-load&step=klp_write_object_relocations.last');
  await expect(page.getByTestId('rwx-alarm')).toBeVisible({ timeout: 30_000 });
  await Promise.all([page.waitForEvent('download'), page.getByTestId('export-svg').click()]);
  await Promise.all([page.waitForEvent('download'), page.getByTestId('export-png').click()]);
  await page.getByTestId('export-ascii').click();
  await page.getByTestId('get-embed').click();
  await page.goto('./embed-demo.html');
  for (const id of ['fig-rwx', 'fig-poke']) await expect(page.frameLocator(`#${id}`).getByTestId('step-title')).toBeVisible({ timeout: 30_000 });
  await expect(page.frameLocator('#fig-reload').getByTestId('compare-column')).toHaveCount(2, { timeout: 30_000 });
  await page.waitForLoadState('networkidle');
  expect(seen.some((u) => u.includes('embed-demo'))).toBe(true);
  const foreign = seen.filter((url) => !url.startsWith('data:') && !url.startsWith('blob:') && new URL(url).origin !== origin);
  expect(foreign).toEqual([]);
});
