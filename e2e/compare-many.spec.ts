// All nine strategies side by side on `reload` at 1280 px: every column keeps its content inside
// its own box (titles, badges, step counters, module names), and every map is drawn at one scale.
import { expect, test } from './helpers.ts';

const ALL = 'v5.4-flip,klp-text,klp-text-ro,split,text-poke,text-poke-clear,module-memory,forbid-late,deny-unload';

test.use({ viewport: { width: 1280, height: 720 } });

test('1280 px, 9 columns on reload: nothing overflows its column, one page scale for all', async ({ page }) => {
  await page.goto(`./?view=explain&compare=${ALL}&scenario=reload`);
  await expect(page.getByTestId('compare-status')).toContainText('aligned rows', { timeout: 30_000 });
  const columns = page.getByTestId('compare-column');
  await expect(columns).toHaveCount(9);
  const check = async () => {
    const out = await columns.evaluateAll((cols) =>
      cols.map((col) => {
        const c = col.getBoundingClientRect();
        const bad: string[] = [];
        for (const el of col.querySelectorAll('*')) {
          const r = el.getBoundingClientRect();
          if (r.width === 0 || r.height === 0 || getComputedStyle(el).position === 'absolute') continue;
          // the column's own border and padding are its box; 0.5 px of rounding is allowed
          if (r.left < c.left - 0.5 || r.right > c.right + 0.5)
            bad.push(`${el.tagName}.${el.className} ${Math.round(r.left)}–${Math.round(r.right)}`);
        }
        // text inside an element is clipped by nothing: compare scroll and client widths too
        for (const el of col.querySelectorAll<HTMLElement>('h2, h3, p, li, span, b, output'))
          if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'hidden')
            bad.push(`clipped ${el.tagName}.${el.className}`);
        return {
          strategy: col.getAttribute('data-strategy'),
          bad,
          pageW: col.querySelector('[data-testid="map-canvas"]')?.getAttribute('data-page-w') ?? null,
        };
      }),
    );
    for (const c of out) expect(c.bad, `${c.strategy} overflows its column`).toEqual([]);
    const scales = new Set(out.flatMap((c) => (c.pageW === null ? [] : [c.pageW])));
    expect(out.filter((c) => c.pageW !== null).length).toBe(7); // forbid-late and deny-unload refuse reload
    expect(scales.size, `page widths ${[...scales].join(', ')}`).toBe(1);
  };
  await check();
  // and at the late re-load of the target, where the narration is longest
  await page.getByTestId('explain').focus();
  await page.keyboard.press('End');
  await expect(page.getByTestId('compare-row')).toContainText(/row (\d+) \/ \1/);
  await check();
  // the columns scroll sideways at a legible width inside their own region; the page does not
  const first = (await columns.first().boundingBox())!;
  expect(first.width).toBeGreaterThanOrEqual(300);
  const widths = await page.locator('.compare-columns-scroll').evaluate((el) => ({
    scroll: el.scrollWidth,
    client: el.clientWidth,
    page: document.documentElement.scrollWidth,
  }));
  expect(widths.scroll).toBeGreaterThan(widths.client);
  expect(widths.page).toBe(1280);
});
