import { currentFileName, expect, openThroughInput, test } from './helpers.ts';

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
