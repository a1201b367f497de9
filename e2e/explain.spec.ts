// The "Explain loading" view on its default scenario (klp_demo_target, then klp_demo_patch, on
// 6.1). Steps are found by their phase, never by a fixed index: the emulated kernel grows.
import type { Page } from '@playwright/test';
import { expect, test } from './helpers.ts';

async function openExplain(page: Page, query = ''): Promise<void> {
  await page.goto(`./?view=explain${query}`);
  await expect(page.getByTestId('run-status')).toContainText('insmod klp_demo_target.ko: ok', { timeout: 30_000 });
  await expect(page.getByTestId('step-count')).toBeVisible();
}

async function currentStep(page: Page): Promise<number> {
  const text = await page.getByTestId('step-count').innerText();
  return Number(/step (\d+)/.exec(text)![1]);
}

/** Permission of each page of a region at the current step, e.g. ["RX", "RO", "RW", "RW"]. */
async function regionPerms(page: Page, region: string): Promise<string[]> {
  const perms = await page
    .getByTestId('map-text')
    .locator(`li[data-region="${region}"]`)
    .first()
    .getAttribute('data-perms');
  return (perms ?? '').split(',');
}

test('opens on the default scenario: target then livepatch on 6.1, at step 0, not playing', async ({ page }) => {
  await openExplain(page);
  await expect(page.getByTestId('view-explain')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('run-status')).toContainText('v6.1.192');
  await expect(page.getByTestId('run-status')).toContainText('insmod klp_demo_patch.ko: ok');
  await expect(page.getByTestId('step-count')).toContainText('step 0 /');
  await expect(page.getByTestId('play')).toHaveAttribute('aria-label', /^Play/);
  await expect(page.getByTestId('call-path')).toContainText('load_module');
  await expect(page.getByTestId('legend')).toContainText('RWX!');
  await expect(page.getByTestId('source-link')).toHaveAttribute(
    'href',
    /^https:\/\/elixir\.bootlin\.com\/linux\/v6\.1\.192\/source\/kernel\/module\/signing\.c#L\d+$/,
  );
  // the inspector still works
  await page.getByTestId('view-inspect').click();
  await expect(page.getByTestId('file-summary')).toBeVisible();
});

test('buttons and the keyboard move the step, without scrolling the page', async ({ page }) => {
  await openExplain(page);
  await page.getByRole('button', { name: 'Next step (→)' }).click();
  await expect(page.getByTestId('step-count')).toContainText('step 1 /');
  await page.getByRole('button', { name: 'Previous step (←)' }).click();
  await expect(page.getByTestId('step-count')).toContainText('step 0 /');

  await page.getByTestId('explain').focus();
  const scroll = await page.evaluate(() => [window.scrollY, document.querySelector('.explain-main-wrap')!.scrollTop]);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('step-count')).toContainText('step 2 /');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('step-count')).toContainText('step 1 /');
  await page.keyboard.press('End');
  const last = await currentStep(page);
  expect(last).toBeGreaterThan(40);
  await page.keyboard.press('Home');
  await expect(page.getByTestId('step-count')).toContainText('step 0 /');
  await page.keyboard.press(']');
  const nextPhase = await currentStep(page);
  expect(nextPhase).toBeGreaterThan(0);
  await page.keyboard.press(']');
  expect(await currentStep(page)).toBeGreaterThan(nextPhase);
  await page.keyboard.press('[');
  await expect(page.getByTestId('step-count')).toContainText(`step ${nextPhase} /`);
  await page.keyboard.press(' ');
  await expect(page.getByTestId('play')).toHaveAttribute('aria-label', /^Pause/);
  await expect.poll(() => currentStep(page)).toBeGreaterThan(nextPhase);
  await page.keyboard.press(' ');
  await expect(page.getByTestId('play')).toHaveAttribute('aria-label', /^Play/);
  expect(await page.evaluate(() => [window.scrollY, document.querySelector('.explain-main-wrap')!.scrollTop])).toEqual(
    scroll,
  );
});

test('keys typed into the picker do not step', async ({ page }) => {
  await openExplain(page);
  await page.getByLabel('Step 1: module').focus();
  await page.keyboard.press('End');
  await expect(page.getByTestId('step-count')).toContainText('step 0 /');
});

test('complete_formation turns the text page RW → RO → RX, shown on the map and in the narration', async ({ page }) => {
  await openExplain(page);
  const phase = page.getByTestId('phase-complete_formation').first();
  await phase.click();
  const start = await currentStep(page);
  await page.getByTestId('explain').focus();
  await page.keyboard.press('ArrowLeft');
  expect((await regionPerms(page, 'klp_demo_target core'))[0]).toBe('RW');
  const seen: string[] = ['RW'];
  let sawFlip = false;
  for (let s = start; s < start + 6; s++) {
    await page.keyboard.press('ArrowRight');
    const p = (await regionPerms(page, 'klp_demo_target core'))[0]!;
    if (p !== seen.at(-1)) seen.push(p);
    if (
      (await page.getByTestId('flip').count()) > 0 &&
      (await page.getByTestId('flip').first().innerText()).includes('RW→RO')
    )
      sawFlip = true;
  }
  expect(seen).toEqual(['RW', 'RO', 'RX']);
  expect(sawFlip).toBe(true);
});

test('clicking a relocation mark on the map shows its S, A, P and value', async ({ page }) => {
  await openExplain(page);
  await page.getByTestId('phase-apply_relocations').first().click();
  await expect(page.getByTestId('call-path')).toContainText('apply_relocations');
  const mark = page.getByTestId('map-mark').first();
  await expect(mark).toBeVisible();
  await mark.click();
  const detail = page.getByTestId('write-detail');
  await expect(detail).toBeVisible();
  await expect(detail.getByTestId('wd-type')).toContainText('R_X86_64_');
  for (const id of ['wd-S', 'wd-P', 'wd-value']) await expect(detail.getByTestId(id)).toHaveText(/^0x[0-9a-f]+/);
  await expect(detail.getByTestId('wd-A')).toHaveText(/^-?0x[0-9a-f]+$/);
  await expect(detail.getByTestId('wd-before')).toHaveText(/^([0-9a-f]{2} ?)+$/);
  await expect(detail.getByTestId('wd-perm')).toContainText('RW');
  await expect(detail.getByTestId('wd-path')).toContainText(/memcpy|text_poke_early|store/);
});

test('the timeline jumps to a phase on click and scrubs by dragging', async ({ page }) => {
  await openExplain(page);
  await page.getByTestId('phase-do_init_module').first().click();
  await expect(page.getByTestId('call-path')).toContainText('do_init_module');
  const box = (await page.getByTestId('timeline').boundingBox())!;
  const y = box.y + box.height - 30;
  await page.mouse.move(box.x + 140, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, y, { steps: 5 });
  const mid = await currentStep(page);
  await page.mouse.move(box.x + box.width - 20, y, { steps: 5 });
  await page.mouse.up();
  expect(await currentStep(page)).toBeGreaterThan(mid);
  expect(mid).toBeGreaterThan(0);
});

test('with prefers-reduced-motion the map changes instantly', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await openExplain(page);
  await page.getByTestId('phase-complete_formation').first().click();
  await expect(page.getByTestId('map-canvas')).toHaveAttribute('data-animating', '0');
  await page.getByTestId('explain').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('map-canvas')).toHaveAttribute('data-animating', '0');
});

test('without reduced motion a permission flip animates', async ({ page }) => {
  await openExplain(page);
  await page.getByTestId('phase-complete_formation').first().click();
  await expect(page.getByTestId('map-canvas')).toHaveAttribute('data-animating', '1');
  await expect(page.getByTestId('map-canvas')).toHaveAttribute('data-animating', '0');
});

test('kernel 5.4 runs the same modules with its own relocation writes', async ({ page }) => {
  await openExplain(page);
  await page.getByLabel('5.4').check();
  await page.getByTestId('run').click();
  await expect(page.getByTestId('run-status')).toContainText('v5.4');
  await page.getByTestId('phase-apply_relocations').first().click();
  await expect(page.getByTestId('changes')).toContainText('via store');
});

test('a step is a permalink', async ({ page }) => {
  await openExplain(page);
  await page.getByTestId('phase-complete_formation').first().click();
  const step = await currentStep(page);
  await expect.poll(() => page.url()).toContain(`step=${step}`);
  const url = page.url();
  await page.goto(url);
  await expect(page.getByTestId('step-count')).toContainText(`step ${step} /`);
});
