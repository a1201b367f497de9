import { readFileSync } from 'node:fs';
import { currentFileName, expect, fixture, openThroughInput, test } from './helpers.ts';

test('a worker that dies at load is reported, and a fresh worker opens the next file', async ({ page }) => {
  // Serve a worker script that throws at top level: it only fires `error` on the Worker object.
  await page.route(/module\.worker[^/]*\.js(\?.*)?$/, (route) =>
    route.fulfill({ contentType: 'text/javascript', body: 'throw new Error("simulated worker crash");' }),
  );
  await page.goto('./?view=inspect');
  await expect(page.getByTestId('app-error-message')).toContainText('The decoder worker crashed');
  await expect(page.getByTestId('busy')).toHaveCount(0);

  await expect(page.getByTestId('app-error-message')).toContainText('simulated worker crash');
  await page.unroute(/module\.worker[^/]*\.js(\?.*)?$/);
  await openThroughInput(page, 'crc7.ko');
  await expect(currentFileName(page)).toContainText('crc7.ko');
  await expect(page.getByTestId('error-panel')).toHaveCount(0);
});

// A worker that takes every request and never answers: what a runaway decode looks like from the UI thread.
const hangingWorker = 'self.onmessage = () => {};';
const workerScript = /module\.worker[^/]*\.js(\?.*)?$/;

test('a worker that never answers is stopped after the timeout, and a fresh worker opens the next file', async ({
  page,
}) => {
  await page.addInitScript(() => {
    (globalThis as { __klpWorkerTimeoutMs?: number }).__klpWorkerTimeoutMs = 2000;
  });
  await page.route(workerScript, (route) => route.fulfill({ contentType: 'text/javascript', body: hangingWorker }));
  await page.goto('./?view=inspect');
  await page.getByTestId('file-input').setInputFiles(fixture('crc7.ko'));
  await expect(page.getByTestId('app-error-message')).toContainText(
    'The worker did not answer within 2 s while decoding crc7.ko; it was stopped.',
  );
  await expect(page.getByTestId('busy')).toHaveCount(0);

  await page.unroute(workerScript);
  await openThroughInput(page, 'crc7.ko');
  await expect(currentFileName(page)).toContainText('crc7.ko');
  await expect(page.getByTestId('error-panel')).toHaveCount(0);
});

test('opening a file while the worker is stuck on another cancels the first, without an error', async ({ page }) => {
  await page.route(workerScript, (route) => route.fulfill({ contentType: 'text/javascript', body: hangingWorker }));
  await page.goto('./?view=inspect');
  await page.getByTestId('file-input').setInputFiles(fixture('crc7.ko'));
  await expect(page.getByTestId('busy')).toHaveCount(1);

  await page.unroute(workerScript);
  await openThroughInput(page, 'crc7.ko');
  await expect(currentFileName(page)).toContainText('crc7.ko');
  await expect(page.getByTestId('error-panel')).toHaveCount(0);
});

test('after a runaway worker is replaced, the files already open still work (their bytes were sent to the new worker)', async ({
  page,
}) => {
  await page.addInitScript(() => {
    (globalThis as { __klpWorkerTimeoutMs?: number }).__klpWorkerTimeoutMs = 2000;
  });
  // The real worker, except that it never answers a request naming hang.ko.
  await page.route(workerScript, async (route) => {
    const real = await (await route.fetch()).text();
    const wrap = `const add = self.addEventListener.bind(self);
self.addEventListener = (type, fn, ...rest) => add(type, type === 'message'
  ? (ev) => { if (!JSON.stringify(ev.data ?? null).includes('hang.ko')) fn(ev); } : fn, ...rest);
`;
    await route.fulfill({ contentType: 'text/javascript', body: wrap + real });
  });
  await page.goto('./?view=inspect');
  await expect(page.getByTestId('file-summary')).toBeVisible();
  await openThroughInput(page, 'crc7.ko');
  await page.getByTestId('tab-hex').click();
  const firstRow = page.getByTestId('hex-row').first();
  await expect(firstRow).not.toContainText('··');
  const before = await firstRow.innerText();
  await page
    .getByTestId('file-input')
    .setInputFiles({ name: 'hang.ko', mimeType: 'application/octet-stream', buffer: readFileSync(fixture('crc7.ko')) });
  await expect(page.getByTestId('app-error-message')).toContainText(
    'The worker did not answer within 2 s while decoding hang.ko; it was stopped.',
  );

  await page.locator('[data-testid="file-entry"][data-file="crc7.ko"]').click();
  await page.getByTestId('tab-hex').click();
  await expect(firstRow).not.toContainText('··');
  expect(await firstRow.innerText()).toBe(before);
  // A section not viewed before: its bytes come from the new worker, under crc7.ko's new handle.
  const sections = page.getByTestId('hex-section');
  const other = await sections.locator('option').nth(2).getAttribute('value');
  await sections.selectOption(other!);
  await expect(firstRow).not.toContainText('··');
  await expect(page.getByTestId('hex-view')).not.toContainText(/error|unknown|no longer/i);
});
