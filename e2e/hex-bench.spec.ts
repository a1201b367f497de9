// Hex view on a big section: a benchmark, not a timed test (skipped without a module):
//   KLP_BIG_MODULE=/path/to/amdgpu.ko npx playwright test e2e/hex-bench.spec.ts
// Reports the rows in the DOM, the time to the first bytes, a jump to the section's end, and the
// frame intervals while scrolling continuously through the section.
import { expect, test } from './helpers.ts';

const big = process.env.KLP_BIG_MODULE;
test.skip(!big, 'set KLP_BIG_MODULE=/path/to/amdgpu.ko');

test('hex view of a big module', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('./?view=inspect');
  await expect(page.getByTestId('file-summary')).toBeVisible();
  await page.getByTestId('file-input').setInputFiles(big!);
  await expect(page.getByTestId('file-summary')).toContainText('amdgpu', { timeout: 120_000 });
  const t0 = Date.now();
  await page.getByTestId('tab-hex').click();
  await expect(page.getByTestId('hex-row').first()).not.toContainText('··');
  const firstMs = Date.now() - t0;
  const caption = await page.getByTestId('hex-caption').innerText();
  const result = await page.evaluate(async () => {
    const el = document.querySelector<HTMLElement>('.hex-scroll')!;
    const t1 = performance.now();
    el.scrollTop = el.scrollHeight;
    // until the last rows have their bytes
    for (;;) {
      await new Promise(requestAnimationFrame);
      const rows = [...document.querySelectorAll('.hx-row')];
      const lastRow = rows.at(-1);
      if (
        lastRow &&
        Number(lastRow.getAttribute('data-offset')) >= (Number(el.dataset.rows) - 1) * 16 &&
        !lastRow.textContent!.includes('··')
      )
        break;
    }
    const jumpMs = performance.now() - t1;
    el.scrollTop = 0;
    const intervals: number[] = [];
    let last = performance.now();
    const end = last + 3000;
    while (performance.now() < end) {
      el.scrollTop += 600;
      await new Promise(requestAnimationFrame);
      const now = performance.now();
      intervals.push(now - last);
      last = now;
    }
    intervals.sort((a, b) => a - b);
    return {
      rowsInDom: document.querySelectorAll('.hx-row').length,
      totalRows: Number(el.dataset.rows),
      jumpMs,
      frames: intervals.length,
      medianMs: intervals[Math.floor(intervals.length / 2)],
      p95Ms: intervals[Math.floor(intervals.length * 0.95)],
      maxMs: intervals.at(-1),
    };
  });
  console.log(JSON.stringify({ caption, firstMs, ...result }));
  expect(result.rowsInDom).toBeLessThan(200);
});
