// A klp-capture recording opened like a module: it becomes a trace of the real kernel in Explain
// (badged), and beside the emulation of the same operations on the built-in samples, with the
// divergence list; a click on a divergence moves the shared cursor to it. A bad recording is
// refused with the parser's line. The screenshots go to test-results/ for a look.
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './helpers.ts';

const root = new URL('../', import.meta.url);
const recording = (kernel: string, scenario: string) =>
  readFileSync(new URL(`truth/v${kernel}/capture-${scenario}/recording.txt`, root));

async function openRecording(page: Page, name: string, buffer: Buffer): Promise<void> {
  await page.getByTestId('file-input').setInputFiles({ name, mimeType: 'text/plain', buffer });
}

test('a 6.1 recording opens in Explain as the real kernel, then beside its emulation with every divergence', async ({
  page,
}) => {
  await page.goto('./?view=inspect');
  await openRecording(page, 'klp-capture-6.1.0-56-amd64-reload.txt', recording('6.1', 'reload'));
  const status = page.getByTestId('recording-status');
  await expect(status).toContainText('6.1.0-56-amd64 (Linux 6.1.192)', { timeout: 30_000 });
  await expect(status.getByTestId('recorded-badge')).toHaveText('real kernel (recorded)');
  await expect(status.getByTestId('outcome')).toHaveText([
    'insmod klp_demo_patch.ko: ok; ',
    'insmod klp_demo_target.ko: ok; ',
    'rmmod klp_demo_target: ok; ',
    /^insmod klp_demo_target\.ko: module: x86\/modules: Skipping invalid relocation target/,
  ]);
  await expect(page.getByTestId('map-canvas')).toBeVisible();
  await expect(page.getByTestId('step-title')).toContainText('insmod klp_demo_patch.ko');
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: 'test-results/recording-alone.png' });

  // the recording's modules are the samples: the comparison runs on them
  await page.getByTestId('compare-recording').click();
  await expect(page.getByTestId('compare-status')).toContainText('aligned rows', { timeout: 30_000 });
  await expect(page.getByTestId('compare-column')).toHaveCount(2);
  const list = page.getByTestId('divergence-list');
  await expect(list).toContainText('7 divergences from the emulation');
  const items = list.getByTestId('divergence');
  await expect(items).toHaveCount(7);
  await expect(items.first()).toContainText('every module-space address is 0x2000 higher on the real kernel');
  await expect(items.first()).toContainText('known:');
  // one click: the cursor goes to the emulation's lock-prefix rewrite the real kernel did not make
  const lock = items.filter({ hasText: 'lock → ds' }).first();
  await lock.click();
  await expect(lock).toHaveAttribute('aria-current', 'step');
  await expect(
    page.locator('[data-testid="compare-column"][data-strategy="emulation"]').getByTestId('call-path'),
  ).toContainText('alternatives_smp_module_add');
  await page.screenshot({ path: 'test-results/recording-compare.png' });

  await page.getByTestId('recording-alone').click();
  await expect(page.getByTestId('recording-status')).toBeVisible();
  await expect(page.getByTestId('mode')).toHaveCount(0); // the emulator's picker gives way to the recording
  await page.getByTestId('recording-close').click();
  await expect(page.getByTestId('run-status')).toContainText('insmod klp_demo_patch.ko: ok', { timeout: 30_000 });
  await expect(page.getByTestId('recorded-badge')).toHaveCount(0);
});

test('a 6.12 recording runs beside the 6.12 profile, on the 6.12 samples and vmlinux table', async ({ page }) => {
  await page.goto('./?view=inspect');
  await openRecording(page, 'late-load-6.12.txt', recording('6.12', 'late-load'));
  await expect(page.getByTestId('recording-status')).toContainText('6.12.118+deb12-amd64 (Linux 6.12.118)', {
    timeout: 30_000,
  });
  await page.getByTestId('compare-recording').click();
  const items = page.getByTestId('divergence-list').getByTestId('divergence');
  await expect(items).toHaveCount(3, { timeout: 30_000 });
  await expect(items.nth(0)).toContainText('every module-space address is 0x2000 higher');
  await expect(items.nth(1)).toContainText('lock → ds at klp_demo_patch+MOD_TEXT:0x109');
  await expect(page.locator('[data-testid="compare-column"][data-strategy="emulation"]')).toContainText('kernel 6.12');
});

test('a recording the parser refuses: its message names the line', async ({ page }) => {
  await page.goto('./?view=inspect');
  const text = recording('6.1', 'late-load').toString('utf8').split('\n');
  await openRecording(page, 'edited.txt', Buffer.from([...text.slice(0, 499), ...text.slice(500)].join('\n')));
  await expect(page.getByTestId('error-panel')).toContainText(
    'edited.txt: line 1025: the recording was written with 1026 lines and has 1025',
  );
});

test('the help offers klp-capture for download, byte for byte the script', async ({ page, request }) => {
  await page.goto('./?view=inspect');
  await page.getByTestId('record-help').locator('summary').click();
  const link = page.getByTestId('download-klp-capture');
  await expect(link).toBeVisible();
  const body = await (await request.get((await link.getAttribute('href'))!)).body();
  expect(body.equals(readFileSync(new URL('capture/klp-capture', root)))).toBe(true);
});
