// Dark and light themes at 1280×720 (a projector, a laptop): nothing overlaps, nothing is cut off
// in the inspector, the explainer and the comparison; the memory map's canvas follows the theme
// while the permission palette (and the RWX alarm) stays the same. Screenshots of each view in
// each theme go to test-results/shots/; with KLP_SCREENSHOTS=1 the dark explainer also goes to
// docs/explain-dark.png.
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { expect, test } from './helpers.ts';

const shots = fileURLToPath(new URL('../test-results/shots/', import.meta.url));
const docs = fileURLToPath(new URL('../docs/explain-dark.png', import.meta.url));

test.use({ viewport: { width: 1280, height: 720 } });

/**
 * What a reader would see as broken: an element that sticks out of the viewport without a
 * scrolling ancestor to reach it, text clipped by its box (ellipsis cells excepted), and any two
 * of the `groups`' elements overlapping.
 */
async function layoutProblems(page: Page, groups: string[]): Promise<string[]> {
  return page.evaluate((groups) => {
    const out: string[] = [];
    const name = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.getAttribute('data-testid') ? `[${el.getAttribute('data-testid')}]` : ''}.${[...el.classList].join('.')}`;
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      const cs = getComputedStyle(el);
      return (
        r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none' && !el.closest('.sr-only')
      );
    };
    const scrolls = (el: Element) => /(auto|scroll|hidden|clip)/.test(getComputedStyle(el).overflowX);
    for (const el of document.body.querySelectorAll('*')) {
      if (!visible(el)) continue;
      let a = el.parentElement;
      while (a && a !== document.body && !scrolls(a)) a = a.parentElement;
      const r = el.getBoundingClientRect();
      if ((!a || a === document.body) && (r.right > innerWidth + 1 || r.left < -1))
        out.push(`cut off at the viewport edge: ${name(el)} (${Math.round(r.left)}–${Math.round(r.right)})`);
      const cs = getComputedStyle(el);
      const clipped =
        /(hidden|clip)/.test(cs.overflowX) && el.scrollWidth > el.clientWidth + 1 && cs.textOverflow !== 'ellipsis';
      if (clipped && el.children.length === 0 && (el.textContent ?? '').trim())
        out.push(`text clipped: ${name(el)} "${(el.textContent ?? '').trim().slice(0, 40)}"`);
    }
    // a <select> whose chosen option does not fit shows a cut word
    const measure = document.createElement('canvas').getContext('2d')!;
    for (const el of document.querySelectorAll('select')) {
      if (!visible(el)) continue;
      const cs = getComputedStyle(el);
      measure.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      const text = el.selectedOptions[0]?.textContent ?? '';
      const room = el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 18;
      if (measure.measureText(text).width > room + 1) out.push(`select text cut: ${name(el)} "${text.slice(0, 40)}"`);
    }
    for (const sel of groups) {
      const els = [...document.querySelectorAll(sel)].filter(visible);
      for (let i = 0; i < els.length; i++)
        for (let j = i + 1; j < els.length; j++) {
          const a = els[i]!.getBoundingClientRect();
          const b = els[j]!.getBoundingClientRect();
          const ox = Math.min(a.right, b.right) - Math.max(a.left, b.left);
          const oy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          if (ox > 1 && oy > 1) out.push(`overlap in ${sel}: ${name(els[i]!)} and ${name(els[j]!)}`);
        }
    }
    return out;
  }, groups);
}

const HEADER = '.app-header > *';
const EXPLAIN = ['.explain > *', '.explain-main > *', '.explain-side > *'];

for (const scheme of ['light', 'dark'] as const) {
  test.describe(`${scheme} theme at 1280×720`, () => {
    test.beforeEach(async ({ page }) => {
      await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
    });

    test('inspector: sections, relocations with an entry selected, hex', async ({ page }) => {
      await page.goto('./?sample=klp_demo_patch');
      await expect(page.getByTestId('file-summary')).toBeVisible();
      expect(await layoutProblems(page, [HEADER, '.tabs > *', '.body > *'])).toEqual([]);
      await page.screenshot({ path: `${shots}layout-${scheme}-inspector-sections.png` });
      await page.getByTestId('tab-relocations').click();
      await page.getByTestId('relocations-table').locator('[role="row"]').nth(2).click();
      await expect(page.getByTestId('entry-actions')).toBeVisible();
      expect(await layoutProblems(page, [HEADER, '.toolbar > *', '.entry-actions > *'])).toEqual([]);
      await page.screenshot({ path: `${shots}layout-${scheme}-inspector-relocations.png` });
      await page.getByTestId('entry-hex').click();
      await expect(page.getByTestId('hex-hl').first()).toBeVisible();
      expect(await layoutProblems(page, [HEADER, '.toolbar > *', '.hx-row'])).toEqual([]);
      await page.screenshot({ path: `${shots}layout-${scheme}-inspector-hex.png` });
    });

    test('explainer with a write selected, and a 5.4 RWX step', async ({ page }) => {
      await page.goto('./?view=explain');
      await expect(page.getByTestId('run-status')).toContainText('insmod klp_demo_patch.ko: ok', { timeout: 30_000 });
      await page.getByTestId('phase-apply_relocations').last().click();
      await page.getByTestId('map-mark').first().click();
      await expect(page.getByTestId('wd-context')).toBeVisible();
      expect(
        await layoutProblems(page, [
          HEADER,
          ...EXPLAIN,
          '.explain-body > *',
          '.scenario-picker > *',
          '.step-controls > *',
          '.perm-legend > li',
          '.write-detail dl > *',
        ]),
      ).toEqual([]);
      // the step controls and the whole timeline fit on the screen under the map
      const tl = (await page.getByTestId('timeline').boundingBox())!;
      expect(tl.y + tl.height).toBeLessThanOrEqual(720);
      await page.screenshot({ path: `${shots}layout-${scheme}-explain-write.png` });

      await page.goto('./?view=explain&strategy=v5.4-flip&scenario=late-load');
      await expect(page.getByTestId('run-status')).toContainText('insmod klp_demo_target: ok', { timeout: 30_000 });
      await page.getByTestId('phase-klp_module_coming').last().click();
      await page.getByTestId('explain').focus();
      for (let i = 0; i < 2; i++) await page.keyboard.press('ArrowRight');
      await expect(page.getByTestId('map-text')).toContainText('RWX');
      expect(
        await layoutProblems(page, [
          HEADER,
          ...EXPLAIN,
          '.explain-body > *',
          '.scenario-picker > *',
          '.step-controls > *',
          '.perm-legend > li',
          '.role-picker > *',
        ]),
      ).toEqual([]);
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await page.screenshot({ path: `${shots}layout-${scheme}-explain-rwx.png` });
      if (scheme === 'dark' && process.env.KLP_SCREENSHOTS) await page.screenshot({ path: docs });
    });

    test('comparison of 5.4 and 5.8 on late-load', async ({ page }) => {
      await page.goto('./?view=explain&compare=v5.4-flip,text-poke&scenario=late-load');
      await expect(page.getByTestId('compare-column')).toHaveCount(2, { timeout: 30_000 });
      expect(
        await layoutProblems(page, [
          HEADER,
          '.compare > *',
          '.explain > *',
          '.compare-columns > *',
          '.scenario-picker > *',
          '.step-controls > *',
          '.perm-legend > li',
          '.diff-here > *',
        ]),
      ).toEqual([]);
      await page.screenshot({ path: `${shots}layout-${scheme}-compare.png` });
    });
  });
}

test('dark mode: the page and the canvas follow the theme, the permission colours do not', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
  await page.goto('./?view=explain&strategy=v5.4-flip&scenario=late-load');
  await expect(page.getByTestId('run-status')).toContainText('insmod klp_demo_target: ok', { timeout: 30_000 });
  await page.getByTestId('phase-klp_module_coming').last().click();
  await page.getByTestId('explain').focus();
  for (let i = 0; i < 2; i++) await page.keyboard.press('ArrowRight');
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(bg).toBe('rgb(22, 24, 27)');
  const canvas = await page.getByTestId('map-canvas').evaluate((c: HTMLCanvasElement) => {
    const ctx = c.getContext('2d')!;
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    const count = (f: (r: number, g: number, b: number) => boolean) => {
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i + 3]! > 200 && f(d[i]!, d[i + 1]!, d[i + 2]!)) n++;
      return n;
    };
    // lane labels: light text on the dark panel (top-left corner, where the first lane's name is)
    const label = ctx.getImageData(0, 0, Math.min(c.width, 300), Math.round(24 * devicePixelRatio)).data;
    let light = 0;
    for (let i = 0; i < label.length; i += 4)
      if (label[i + 3]! > 200 && label[i]! > 180 && label[i + 1]! > 180 && label[i + 2]! > 180) light++;
    return {
      light,
      rwx: count((r, g, b) => r === 0xd5 && g === 0x5e && b === 0x00),
      rx: count((r, g, b) => r === 0x00 && g === 0x9e && b === 0x73),
    };
  });
  expect(canvas.light).toBeGreaterThan(20);
  expect(canvas.rx).toBeGreaterThan(100);
  expect(canvas.rwx).toBeGreaterThan(100);
  await expect(page.getByTestId('legend')).toContainText('RWX!');
});
