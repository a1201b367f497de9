// Every label of every exported figure is whole and inside its box: the SVG export of the
// comparison at several rows of every sample scenario (and of the single view at several steps),
// rendered by the browser, has every <text>'s getBBox() inside the box it was fitted to
// (data-box) and no two labels overlapping on the page.

import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './helpers.ts';

const SCENARIOS = ['target-first', 'late-load', 'unload', 'reload', 'two-targets', 'disable-remove', 'atomic-replace'];

async function exportSvg(page: Page): Promise<string> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-svg').click()]);
  return readFileSync((await d.path())!, 'utf8');
}

/** Renders `svg` in `checker` and lists every label outside its box and every pair that overlaps. */
async function labelFaults(checker: Page, svg: string): Promise<{ texts: number; faults: string[] }> {
  await checker.setContent(`<!doctype html><body style="margin:0">${svg}</body>`);
  return checker.evaluate(() => {
    const texts = [...document.querySelectorAll('svg text')] as SVGTextElement[];
    const faults: string[] = [];
    const tol = 0.5;
    for (const t of texts) {
      const box = t.getAttribute('data-box');
      if (!box) {
        faults.push(`no box: "${t.textContent}"`);
        continue;
      }
      const [x, y, w, h] = box.split(' ').map(Number) as [number, number, number, number];
      const b = t.getBBox();
      if (b.x < x - tol || b.y < y - tol || b.x + b.width > x + w + tol || b.y + b.height > y + h + tol)
        faults.push(
          `"${t.textContent}" (${b.x.toFixed(1)},${b.y.toFixed(1)} ${b.width.toFixed(1)}×${b.height.toFixed(1)}) outside its box ${box}`,
        );
    }
    const rects = texts.map((t) => t.getBoundingClientRect());
    for (let i = 0; i < texts.length; i++)
      for (let j = i + 1; j < texts.length; j++) {
        const a = rects[i]!;
        const b = rects[j]!;
        const dx = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const dy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (dx > tol && dy > tol) faults.push(`"${texts[i]!.textContent}" overlaps "${texts[j]!.textContent}"`);
      }
    return { texts: texts.length, faults };
  });
}

async function expectClean(page: Page, checker: Page, where: string) {
  const svg = await exportSvg(page);
  const { texts, faults } = await labelFaults(checker, svg);
  expect(texts, where).toBeGreaterThan(40);
  expect(faults, where).toEqual([]);
}

for (const scenario of SCENARIOS)
  test(`compare export on ${scenario}: every label whole and inside its box at several rows`, async ({
    page,
    context,
  }) => {
    test.setTimeout(120_000);
    const checker = await context.newPage();
    await page.goto(`./?view=explain&compare=v5.4-flip,text-poke&scenario=${scenario}`);
    await expect(page.getByTestId('compare-status')).toContainText('aligned rows', { timeout: 30_000 });
    await expectClean(page, checker, `${scenario} opening row`);
    await page.getByTestId('explain').focus();
    await page.keyboard.press('Home');
    await expectClean(page, checker, `${scenario} row 0`);
    for (let op = 1; op <= 4; op++) {
      const before = await page.getByTestId('compare-row').innerText();
      await page.keyboard.press(']');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      if ((await page.getByTestId('compare-row').innerText()) === before) break;
      await expectClean(page, checker, `${scenario} ${await page.getByTestId('compare-row').innerText()}`);
    }
    await page.keyboard.press('End');
    await expectClean(page, checker, `${scenario} last row`);
  });

test('the late-load figure of the issue (row 81) and nine designs on reload', async ({ page, context }) => {
  test.setTimeout(120_000);
  const checker = await context.newPage();
  await page.goto('./?view=explain&compare=v5.4-flip,text-poke&scenario=late-load&row=81');
  await expect(page.getByTestId('compare-row')).toContainText('row 81 /', { timeout: 30_000 });
  const svg = await exportSvg(page);
  // both trampolines are told apart: whole, or by a key written out in full under the map
  expect(svg).toContain('klp_demo_target:klp_demo_greeting');
  expect(svg).toContain('klp_demo_target:klp_demo_target_describe');
  expect((await labelFaults(checker, svg)).faults).toEqual([]);
  const all = 'v5.4-flip,klp-text,klp-text-ro,split,text-poke,text-poke-clear,module-memory,forbid-late,deny-unload';
  await page.goto(`./?view=explain&compare=${all}&scenario=reload&row=120`);
  await expect(page.getByTestId('compare-row')).toContainText('row 120 /', { timeout: 30_000 });
  await expectClean(page, checker, 'nine designs on reload, row 120');
});

test('single-view export: every label whole and inside its box at several steps', async ({ page, context }) => {
  test.setTimeout(120_000);
  const checker = await context.newPage();
  for (const step of [0, 31, 78, 100])
    for (const scenario of ['late-load', 'reload']) {
      await page.goto(`./?view=explain#v=1&view=explain&strategy=v5.4-flip&scenario=${scenario}&step=${step}`);
      await expect(page.getByTestId('step-count')).toContainText(`step ${step} /`, { timeout: 30_000 });
      await expectClean(page, checker, `v5.4-flip ${scenario} step ${step}`);
    }
});
