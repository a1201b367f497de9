// A shared link on a phone (390×844): the header is compact, the page is one scroll (no scroll
// area inside it around the map or the narration), nothing is wider than the screen, and the
// step controls stay reachable while reading the map.
import type { Page } from '@playwright/test';
import { expect, test } from './helpers.ts';

const LINK = './#v=1&view=explain&strategy=v5.4-flip&scenario=late-load&step=40';

/** Elements that scroll inside the page, and those sticking out of the viewport's width. */
async function layoutFaults(page: Page) {
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const nested: string[] = [];
    const wide: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('body *')) {
      const cs = getComputedStyle(el);
      const scrolls = /auto|scroll/.test(cs.overflowY) && el.scrollHeight > el.clientHeight + 1;
      if (scrolls) nested.push(el.className || el.tagName);
      // Clipped by a scrolling ancestor (a table's own horizontal scroll) does not widen the page.
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > vw + 1 && !el.parentElement?.closest('.vt, .sr-only'))
        wide.push(`${el.tagName.toLowerCase()}.${el.className}`);
    }
    return { nested, wide, pageWidth: document.documentElement.scrollWidth, vw };
  });
}

test.use({ viewport: { width: 390, height: 844 } });

test('a shared link on a phone: compact header, one scroll, controls reachable, nothing too wide', async ({ page }) => {
  await page.goto(LINK);
  await expect(page.getByTestId('step-count')).toHaveText('step 40 / 106', { timeout: 30_000 });
  const header = (await page.locator('header.app-header').boundingBox())!;
  expect(header.height).toBeLessThanOrEqual(844 * 0.15);

  const faults = await layoutFaults(page);
  expect(faults.nested).toEqual([]);
  expect(faults.wide).toEqual([]);
  expect(faults.pageWidth).toBe(faults.vw);

  // The map is as tall as it draws: no scroll area around it.
  const scroller = page.locator('.map-scroll');
  const [client, scroll] = await scroller.evaluate((el) => [el.clientHeight, el.scrollHeight]);
  expect(scroll).toBe(client);

  // The narration comes first, and the next-step button is on the first screen.
  const narration = (await page.getByTestId('narration').boundingBox())!;
  const next = page.getByRole('button', { name: 'Next step (→)' });
  const nb = (await next.boundingBox())!;
  expect(narration.y).toBeLessThan(nb.y);
  expect(nb.y + nb.height).toBeLessThanOrEqual(844);
  await next.click();
  await expect(page.getByTestId('step-count')).toHaveText('step 41 / 106');

  // Scrolled down to the map, the controls stick to the top of the screen and still step.
  await page.getByTestId('memory-map').evaluate((el) => el.scrollIntoView({ block: 'center' }));
  const stuck = (await next.boundingBox())!;
  expect(stuck.y).toBeGreaterThanOrEqual(0);
  expect(stuck.y).toBeLessThan(60);
  await next.click();
  await expect(page.getByTestId('step-count')).toHaveText('step 42 / 106');
});

test('the inspector on a phone fits the width (its tables scroll sideways on their own)', async ({ page }) => {
  await page.goto('./?view=inspect');
  await expect(page.getByTestId('file-summary')).toBeVisible();
  const faults = await layoutFaults(page);
  expect(faults.pageWidth).toBe(faults.vw);
  expect(faults.wide).toEqual([]);
});
