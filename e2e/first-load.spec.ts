// What the browser fetches to show the inspector (`?view=inspect`, on the default sample): the
// JavaScript budget of issue 8 is 150 KB gzip in total, d3, the Explain view, the emulated kernel
// and the decompressors included only when used. Sizes, not times: this cannot flake.
import { gzipSync } from 'node:zlib';
import { currentFileName, expect, test } from './helpers.ts';

const budget = 150 * 1024;

test('the first screen loads at most 150 KB of gzip JavaScript, without the Explain view or the kernel', async ({
  page,
}) => {
  const scripts = new Map<string, number>();
  const pending: Array<Promise<void>> = [];
  page.context().on('response', (response) => {
    const url = new URL(response.url());
    if (!url.pathname.endsWith('.js')) return;
    pending.push(
      response
        .body()
        .then((body) => void scripts.set(url.pathname.split('/').pop()!, gzipSync(body, { level: 9 }).length)),
    );
  });
  await page.goto('./?view=inspect');
  await expect(currentFileName(page)).not.toBeEmpty();
  await expect(page.getByTestId('busy')).toHaveCount(0);
  await Promise.all(pending);

  const names = [...scripts.keys()].sort();
  const total = [...scripts.values()].reduce((a, b) => a + b, 0);
  console.log(
    `first load: ${names.map((n) => `${n} ${(scripts.get(n)! / 1024).toFixed(1)} KB`).join(', ')}; total ${(total / 1024).toFixed(1)} KB gzip`,
  );
  expect(names.some((n) => n.startsWith('module.worker'))).toBe(true);
  expect(names.filter((n) => /^(ExplainView|EmbedApp|ShareBar|run|xz-decompress)-/.test(n))).toEqual([]);
  expect(total).toBeLessThanOrEqual(budget);

  // The rest arrives when asked for: the Explain view and the emulated kernel.
  await page
    .getByRole('button', { name: /explain/i })
    .first()
    .click();
  await expect(page.getByTestId('run-status')).toContainText('steps', { timeout: 30_000 });
  await Promise.all(pending);
  expect([...scripts.keys()].some((n) => n.startsWith('ExplainView-'))).toBe(true);
  expect([...scripts.keys()].some((n) => n.startsWith('run-'))).toBe(true);
});
