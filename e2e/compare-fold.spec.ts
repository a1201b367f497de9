// At 1280×720 (a common projector) the comparison's maps start on the first screen: the first
// column's map is within the viewport on load, as in the single view.
import { expect, test } from './helpers.ts';

test.use({ viewport: { width: 1280, height: 720 } });

for (const query of [
  'compare=v5.4-flip,text-poke&scenario=late-load',
  'compare=v5.4-flip,klp-text,split&scenario=reload',
])
  test(`1280×720: the first column's map is visible without scrolling (${query})`, async ({ page }) => {
    await page.goto(`./?view=explain&${query}`);
    await expect(page.getByTestId('compare-status')).toContainText('aligned rows', { timeout: 30_000 });
    const map = page.getByTestId('compare-column').first().getByTestId('map-canvas');
    await expect(map).toBeVisible();
    const box = (await map.boundingBox())!;
    // its first lane (the module's name, a region's label, a row of pages) is on screen
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + Math.min(box.height, 110)).toBeLessThanOrEqual(720);
    expect(await page.evaluate(() => document.scrollingElement!.scrollTop)).toBe(0);
  });
