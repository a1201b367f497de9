// Presenter mode: P (or present=1 in the link) shows the map and the narration alone; the keys a
// clicker sends step (PageDown / PageUp), B blanks, Esc leaves; two windows of one browser stay
// on the same step (BroadcastChannel); a comparison presents its columns.
import { expect, test } from './helpers.ts';

const LINK = '#v=1&view=explain&strategy=v5.4-flip&scenario=late-load&step=40';

test('P enters presenter mode; PageDown / PageUp step, B blanks, Esc leaves', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(`./${LINK}`);
  await expect(page.getByTestId('step-count')).toHaveText('step 40 / 106', { timeout: 30_000 });
  await page.getByTestId('explain').focus();
  await page.keyboard.press('p');
  const presenter = page.getByTestId('presenter');
  await expect(presenter).toBeVisible();
  await expect(page).toHaveURL(/present=1/);
  await expect(page.getByTestId('present-count')).toHaveText('v5.4 · step 40 / 106');
  // Only the map and the narration: the picker and the timeline are covered.
  const box = (await presenter.boundingBox())!;
  expect([box.x, box.y, box.width, box.height]).toEqual([0, 0, 1280, 720]);
  const title = presenter.getByTestId('step-title');
  const size = await title.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  // Read from the back of a room: the title at least 3 % of the screen's height (22 px at 720).
  expect(size).toBeGreaterThanOrEqual(720 * 0.03);
  expect(Number(await presenter.getByTestId('present-map').getAttribute('data-scale'))).toBeGreaterThanOrEqual(1);

  await page.keyboard.press('PageDown');
  await expect(page.getByTestId('present-count')).toHaveText('v5.4 · step 41 / 106');
  await page.keyboard.press('PageDown');
  await page.keyboard.press('PageUp');
  await expect(page.getByTestId('present-count')).toHaveText('v5.4 · step 41 / 106');
  await page.keyboard.press(' ');
  await expect(page.getByTestId('present-count')).toHaveText('v5.4 · step 42 / 106');

  await page.keyboard.press('b');
  await expect(page.getByTestId('present-blank')).toBeVisible();
  await page.keyboard.press('b');
  await expect(page.getByTestId('present-blank')).toHaveCount(0);

  await page.keyboard.press('Escape');
  await expect(presenter).toHaveCount(0);
  await expect(page.getByTestId('step-count')).toHaveText('step 42 / 106');
  await expect(page).not.toHaveURL(/present=/);
});

test('two windows of one browser stay on the same step', async ({ context }) => {
  const slides = await context.newPage();
  await slides.goto(`./${LINK}&present=1`);
  await expect(slides.getByTestId('present-count')).toHaveText('v5.4 · step 40 / 106', { timeout: 30_000 });
  const notes = await context.newPage();
  await notes.goto(`./${LINK}&present=notes`);
  await expect(notes.getByTestId('notes-where')).toHaveText('step 40 / 106', { timeout: 30_000 });
  const next = await notes.getByTestId('notes-next').innerText();

  await slides.keyboard.press('PageDown');
  await expect(slides.getByTestId('present-count')).toHaveText('v5.4 · step 41 / 106');
  await expect(notes.getByTestId('notes-where')).toHaveText('step 41 / 106');
  expect(next).toContain(await notes.getByTestId('notes-now').innerText());
  // The speaker's notes: the step's narration (what it changed), in the notes window only.
  await expect(notes.getByTestId('presenter-notes').getByTestId('narration')).toBeVisible();

  await notes.keyboard.press('PageUp');
  await notes.keyboard.press('PageUp');
  await expect(notes.getByTestId('notes-where')).toHaveText('step 39 / 106');
  await expect(slides.getByTestId('present-count')).toHaveText('v5.4 · step 39 / 106');
});

test('a comparison presents its two columns', async ({ page }) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto('./#v=1&view=explain&compare=v5.4-flip,text-poke&scenario=late-load&present=1');
  await expect(page.getByTestId('present-count')).toHaveText(/^row \d+ \/ \d+$/, { timeout: 30_000 });
  await expect(page.getByTestId('presenter').locator('.present-column')).toHaveCount(2);
  const row = await page.getByTestId('present-count').innerText();
  await page.keyboard.press('PageDown');
  await expect(page.getByTestId('present-count')).not.toHaveText(row);
});
