import { currentFileName, expect, fixture, openThroughInput, test } from './helpers.ts';

test('a worker that dies at load is reported, and a fresh worker opens the next file', async ({ page }) => {
  // Serve a worker script that throws at top level: it only fires `error` on the Worker object.
  await page.route(/module\.worker[^/]*\.js(\?.*)?$/, (route) =>
    route.fulfill({ contentType: 'text/javascript', body: 'throw new Error("simulated worker crash");' }),
  );
  await page.goto('./');
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

test('a worker that never answers is stopped after the timeout, and a fresh worker opens the next file', async ({ page }) => {
  await page.addInitScript(() => { (globalThis as { __klpWorkerTimeoutMs?: number }).__klpWorkerTimeoutMs = 2000; });
  await page.route(workerScript, (route) => route.fulfill({ contentType: 'text/javascript', body: hangingWorker }));
  await page.goto('./');
  await page.getByTestId('file-input').setInputFiles(fixture('crc7.ko'));
  await expect(page.getByTestId('app-error-message')).toContainText('The worker did not answer within 2 s while decoding crc7.ko; it was stopped.');
  await expect(page.getByTestId('busy')).toHaveCount(0);

  await page.unroute(workerScript);
  await openThroughInput(page, 'crc7.ko');
  await expect(currentFileName(page)).toContainText('crc7.ko');
  await expect(page.getByTestId('error-panel')).toHaveCount(0);
});

test('opening a file while the worker is stuck on another cancels the first, without an error', async ({ page }) => {
  await page.route(workerScript, (route) => route.fulfill({ contentType: 'text/javascript', body: hangingWorker }));
  await page.goto('./');
  await page.getByTestId('file-input').setInputFiles(fixture('crc7.ko'));
  await expect(page.getByTestId('busy')).toHaveCount(1);

  await page.unroute(workerScript);
  await openThroughInput(page, 'crc7.ko');
  await expect(currentFileName(page)).toContainText('crc7.ko');
  await expect(page.getByTestId('error-panel')).toHaveCount(0);
});
