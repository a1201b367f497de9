import { fileURLToPath } from 'node:url';
import { expect, openApp, test } from './helpers.ts';

// A livepatch built and converted by the project (public/samples/klp/README.md).
const klpPatch = fileURLToPath(new URL('../public/samples/klp/klp_demo_patch.ko', import.meta.url));

test('a livepatch module: badge, .klp.rela sections, SHN_LIVEPATCH symbols', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('file-input').setInputFiles(klpPatch);
  await expect(page.getByTestId('busy')).toHaveCount(0);
  await expect(page.getByTestId('livepatch-badge')).toBeVisible();

  const sections = page.getByTestId('sections-table');
  await sections.evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  const klpRela = sections.getByRole('row').filter({ hasText: '.klp.rela.' }).first();
  await expect(klpRela.locator('.col-flg')).toContainText('o');
  await expect(klpRela.locator('.col-flagnames')).toContainText('RELA_LIVEPATCH');
  await expect(klpRela.locator('.col-klp')).toContainText('→ .text');

  await page.getByTestId('tab-symbols').click();
  await page.getByLabel('only .klp.sym / LIVEPATCH symbols').check();
  const symbols = page.getByTestId('symbols-table');
  const first = symbols.getByRole('row').nth(1);
  await expect(first.locator('.col-ndx')).toHaveText('LIVEPATCH');
  await expect(first.locator('.col-klpobj')).not.toBeEmpty();
  await expect(first.locator('.col-klppos')).toHaveText(/^\d+$/);

  await page.getByTestId('tab-relocations').click();
  const picker = page.getByTestId('reloc-picker');
  const option = picker.locator('option', { hasText: '.klp.rela.' }).first();
  await picker.selectOption((await option.getAttribute('value'))!);
  await expect(page.getByTestId('reloc-klp')).toContainText('livepatch: object');

  await page.getByTestId('tab-modinfo').click();
  await expect(page.getByTestId('modinfo').locator('.klp-row')).toContainText('Y');
});
