// Benchmark of the Explain view on the crafted modules of e2e/crafted-explain.spec.ts; not part of
// `npm test`:  KLP_CRAFTED_BENCH=1 npx playwright test e2e/crafted-bench.spec.ts
// Prints in-page times (the upload over CDP is the test's cost, not the app's) and long tasks:
// open, run to the first map, a step, the write detail, the SVG and PNG exports.
import type { Page } from '@playwright/test';
import { longNames, noneRelocations } from './crafted_inputs.ts';
import { expect, test } from './helpers.ts';

test.skip(!process.env.KLP_CRAFTED_BENCH, 'set KLP_CRAFTED_BENCH=1');

const now = (page: Page) => page.evaluate(() => performance.now());
/** ms from `t0` to the next frame. */
const frameAfter = (page: Page, t0: number) =>
  page.evaluate((t) => new Promise<number>((r) => requestAnimationFrame(() => r(performance.now() - t))), t0);

async function longTasks(page: Page): Promise<string> {
  const d = await page.evaluate(() => {
    const w = globalThis as unknown as { __lt: number[] };
    const r = w.__lt;
    w.__lt = [];
    return r;
  });
  return d.length ? `${d.length} long tasks, longest ${Math.max(...d)} ms` : 'no long task';
}

async function bench(page: Page, name: string, bytes: Uint8Array, title: string, row?: string) {
  await page.goto('./?view=explain');
  await expect(page.getByTestId('run-status')).toContainText('steps', { timeout: 30_000 });
  await page.evaluate(() => {
    const w = globalThis as unknown as { __lt: number[]; __tChosen: number };
    w.__lt = [];
    new PerformanceObserver((l) => l.getEntries().forEach((e) => w.__lt.push(Math.round(e.duration)))).observe({
      type: 'longtask',
    });
    document.addEventListener('change', () => (w.__tChosen = performance.now()), { capture: true, once: true });
  });
  await page
    .getByTestId('file-input')
    .setInputFiles({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
  const option = page.getByLabel('Step 1: module').locator('option[value^="file:"]', { hasText: name });
  await expect(option).toHaveCount(1, { timeout: 120_000 });
  const opened = await page.evaluate(
    () => performance.now() - (globalThis as unknown as { __tChosen: number }).__tChosen,
  );
  console.log(`${name}: file chosen → listed ${opened.toFixed(0)} ms (${await longTasks(page)})`);
  await page.getByLabel('Step 1: module').selectOption((await option.getAttribute('value'))!);
  await page.getByLabel('Remove step 2').click();
  await page.getByLabel('invent missing symbols').check();
  let t0 = await now(page);
  await page.getByTestId('run').click();
  await expect(page.getByTestId('run-status')).toContainText(`insmod ${name}: ok`, { timeout: 120_000 });
  await expect(page.getByTestId('map-canvas')).toHaveAttribute('data-draw-ms', /\d/);
  console.log(`  Run → map ${(await frameAfter(page, t0)).toFixed(0)} ms (${await longTasks(page)})`);
  await page.getByTestId('explain').focus();
  const steps: number[] = [];
  while (!(await page.getByTestId('step-title').innerText()).includes(title)) {
    t0 = await now(page);
    await page.keyboard.press('ArrowRight');
    steps.push(await frameAfter(page, t0));
  }
  console.log(
    `  step → frame: max ${Math.max(...steps).toFixed(0)} ms over ${steps.length} steps (${await longTasks(page)})`,
  );
  if (row) {
    t0 = await now(page);
    await page.getByTestId('write-list').locator('tr', { hasText: row }).locator('button').click();
    await expect(page.getByTestId('write-detail')).toBeVisible();
    console.log(`  write detail ${(await frameAfter(page, t0)).toFixed(0)} ms (${await longTasks(page)})`);
  }
  for (const id of ['export-svg', 'export-png', 'export-strip-svg', 'export-strip-png']) {
    t0 = await now(page);
    await Promise.all([page.waitForEvent('download'), page.getByTestId(id).click()]);
    console.log(`  ${id} ${((await now(page)) - t0).toFixed(0)} ms (${await longTasks(page)})`);
  }
}

test('crafted modules in the Explain view', async ({ page }) => {
  test.setTimeout(300_000);
  await bench(page, 'base-long-names.ko', longNames(), 'copy the kept symbols', 'core_kallsyms.strtab');
  await bench(page, 'none-10m.ko.gz', noneRelocations(10_000_000), 'apply .rela.data.crafted');
});
