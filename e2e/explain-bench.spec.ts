// Benchmark of the explainer on a large module; not part of `npm test`:
//   KLP_BIG_MODULE=/path/to/amdgpu.ko npx playwright test e2e/explain-bench.spec.ts
// Prints: emulation + transfer time, view-model build, map draw per step, frame intervals
// while playing, and takes a screenshot (test-results/shots/explain-big.png).
import { fileURLToPath } from 'node:url';
import { expect, test } from './helpers.ts';

const big = process.env.KLP_BIG_MODULE;
test.skip(!big, 'set KLP_BIG_MODULE=/path/to/amdgpu.ko');
const shots = fileURLToPath(new URL('../test-results/shots/', import.meta.url));

test('explain a large module', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('./?view=explain');
  await expect(page.getByTestId('run-status')).toContainText('steps', { timeout: 30_000 });
  // In-page clocks: from the input's change event (the upload over CDP is the test's cost, not
  // the app's) and from the Run click, to the first frame that shows the result.
  await page.evaluate(() => {
    const w = globalThis as unknown as Record<string, number>;
    document.addEventListener('change', () => (w.__tChosen = performance.now()), { capture: true, once: true });
    document.addEventListener(
      'click',
      (e) => (e.target as Element).closest('[data-testid="run"]') && (w.__tRun = performance.now()),
      { capture: true },
    );
  });
  await page.getByTestId('file-input').setInputFiles(big!);
  const option = page.getByLabel('Step 1: module').locator('option[value^="file:"]', { hasText: 'amdgpu' });
  await expect(option).toHaveCount(1, { timeout: 120_000 });
  const openMs = await page.evaluate(
    () => performance.now() - (globalThis as unknown as Record<string, number>).__tChosen!,
  );
  const value = await option.getAttribute('value');
  await page.getByLabel('Step 1: module').selectOption(value!);
  await page.getByLabel('Remove step 2').click();
  await page.getByLabel('invent missing symbols').check();
  await page.getByTestId('run').click();
  const runMs = await page.waitForFunction(
    () => {
      const done =
        document.querySelector('[data-testid="run-status"]')?.textContent?.includes('amdgpu') &&
        document.querySelector('[data-testid="map-canvas"]')?.getAttribute('data-draw-ms');
      return done ? performance.now() - (globalThis as unknown as Record<string, number>).__tRun! : 0;
    },
    undefined,
    { polling: 'raf', timeout: 180_000 },
  );
  const clickToMap = await runMs.jsonValue();
  const status = await page.getByTestId('run-status').innerText();
  const modelMs = await page.getByTestId('memory-map').getAttribute('data-model-ms');
  const draws: number[] = [];
  await page.getByTestId('explain').focus();
  await page.getByTestId('phase-apply_relocations').first().click();
  for (let i = 0; i < 20; i++) {
    const t0 = Date.now();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="map-canvas"]')?.getAttribute('data-animating') === '0',
    );
    draws.push(Number(await page.getByTestId('map-canvas').getAttribute('data-draw-ms')));
    void t0;
  }
  await page.keyboard.press('Home');
  await page.getByLabel('Playback speed, steps per second').selectOption('8');
  // Every frame the page shows while playing (a rAF loop of its own, not the app's animation,
  // so steps without a transition count too), and every long task.
  await page.evaluate(() => {
    const w = globalThis as unknown as { __klpLongTasks: number[]; __klpFrames: number[]; __klpFramesStop: boolean };
    w.__klpLongTasks = [];
    w.__klpFrames = [];
    w.__klpFramesStop = false;
    new PerformanceObserver((list) => list.getEntries().forEach((e) => w.__klpLongTasks.push(e.duration))).observe({
      type: 'longtask',
    });
    let last = 0;
    const tick = (now: number) => {
      if (last) w.__klpFrames.push(now - last);
      last = now;
      if (!w.__klpFramesStop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await page.getByTestId('explain').focus();
  await page.keyboard.press(' ');
  await page.waitForTimeout(5000);
  await page.keyboard.press(' ');
  const longTasks = await page.evaluate(() => (globalThis as unknown as { __klpLongTasks: number[] }).__klpLongTasks);
  const frames = await page.evaluate(() => {
    const w = globalThis as unknown as { __klpFrames: number[]; __klpFramesStop: boolean };
    w.__klpFramesStop = true;
    return w.__klpFrames.slice();
  });
  frames.sort((a, b) => a - b);
  const pct = (p: number) => frames[Math.min(frames.length - 1, Math.floor(frames.length * p))]?.toFixed(1);
  draws.sort((a, b) => a - b);
  console.log(`file chosen → decoded and listed: ${openMs.toFixed(0)} ms`);
  console.log(`Run clicked → memory map of amdgpu on screen: ${clickToMap.toFixed(0)} ms`);
  console.log(`status: ${status}`);
  console.log(`view model build: ${modelMs} ms`);
  console.log(`map draw per step: median ${draws[draws.length >> 1]} ms, max ${draws.at(-1)} ms`);
  console.log(
    `frame intervals while playing at 8 steps/s: n=${frames.length} median ${pct(0.5)} ms, p95 ${pct(0.95)} ms, max ${frames.at(-1)?.toFixed(1)} ms`,
  );
  console.log(
    `long tasks (> 50 ms) while playing: ${longTasks.length}${longTasks.length ? ` (longest ${Math.max(...longTasks).toFixed(0)} ms)` : ''}`,
  );
  await page.getByTestId('phase-complete_formation').first().click();
  await page.waitForTimeout(800);
  await page.screenshot({ path: `${shots}explain-big.png` });
});
