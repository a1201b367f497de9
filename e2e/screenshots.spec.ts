// Screenshots for the README and for reviewing the UI. Not part of `npm test`:
//   KLP_SCREENSHOTS=1 npx playwright test e2e/screenshots.spec.ts
// Writes docs/screenshot.png and test-results/shots/*.png. KLP_BIG_MODULE=/path/to/amdgpu.ko adds
// a large-module shot and prints the worker decode time.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, openApp, openThroughInput, test } from './helpers.ts';

test.skip(!process.env.KLP_SCREENSHOTS, 'set KLP_SCREENSHOTS=1 to take screenshots');

const shots = fileURLToPath(new URL('../test-results/shots/', import.meta.url));
const readme = fileURLToPath(new URL('../docs/screenshot.png', import.meta.url));
const klpPatch = fileURLToPath(new URL('../public/samples/klp/klp_demo_patch.ko', import.meta.url));

test('screenshots', async ({ page }) => {
  test.setTimeout(180_000);
  await openApp(page);
  await page.screenshot({ path: `${shots}01-sections.png` });
  await page.screenshot({ path: readme });
  for (const [n, tab] of [
    [2, 'header'],
    [3, 'symbols'],
    [4, 'relocations'],
    [5, 'modinfo'],
    [6, 'signature'],
  ] as const) {
    await page.getByTestId(`tab-${tab}`).click();
    await page.screenshot({ path: `${shots}0${n}-${tab}.png` });
  }
  await openThroughInput(page, 'garbage.ko');
  await page.screenshot({ path: `${shots}07-error.png` });

  if (existsSync(klpPatch)) {
    await page.getByTestId('file-input').setInputFiles(klpPatch);
    await expect(page.getByTestId('busy')).toHaveCount(0);
    await page.getByTestId('tab-sections').click();
    const sections = page.getByTestId('sections-table');
    await sections.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await page.screenshot({ path: `${shots}08-klp-sections.png` });
    await page.getByTestId('tab-symbols').click();
    const klpOnly = page.getByLabel('only .klp.sym / LIVEPATCH symbols');
    if (await klpOnly.count()) await klpOnly.check();
    await page.screenshot({ path: `${shots}08-klp-symbols.png` });
    await page.getByTestId('tab-relocations').click();
    const picker = page.getByTestId('reloc-picker');
    const klpOption = picker.locator('option', { hasText: '.klp.rela.' }).first();
    if (await klpOption.count()) await picker.selectOption((await klpOption.getAttribute('value'))!);
    await page.screenshot({ path: `${shots}08-klp-relocations.png` });
    await page.getByTestId('tab-modinfo').click();
    await page.screenshot({ path: `${shots}08-klp-modinfo.png` });
  }

  const big = process.env.KLP_BIG_MODULE;
  if (big) {
    await page.getByTestId('file-input').setInputFiles(big);
    await expect(page.getByTestId('busy')).toHaveCount(0, { timeout: 120_000 });
    const msText = await page.getByTestId('parse-time').getAttribute('data-ms');
    const totalText = await page.getByTestId('parse-time').getAttribute('data-total-ms');
    console.log(
      `worker decode time of ${big}: ${msText} ms; read + transfer + decode + transfer back: ${totalText} ms`,
    );
    await page.getByTestId('tab-relocations').click();
    const table = page.getByTestId('relocations-table');
    await table.evaluate((el) => {
      el.scrollTop = el.scrollHeight / 2;
    });
    await page.screenshot({ path: `${shots}09-big-relocations.png` });
    const rendered = await table.getByRole('row').count();
    console.log(`rows in the DOM for the relocation table: ${rendered}`);
    await page.getByTestId('tab-symbols').click();
    await page.screenshot({ path: `${shots}10-big-symbols.png` });
  }
});
