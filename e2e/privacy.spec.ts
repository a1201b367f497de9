// Every test of the suite fails if a request leaves the origin (the `test` of helpers.ts records
// them all); these tests walk the paths that load the most, and check the guard itself.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dropFile, expect, openApp, openThroughInput, test } from './helpers.ts';

test('no request ever leaves the origin', async ({ page, requests }) => {
  await openApp(page);
  await openThroughInput(page, 'crc7.ko.xz');
  await openThroughInput(page, 'crc7.ko.zst');
  await dropFile(page, 'crc7.ko.gz');
  await openThroughInput(page, 'garbage.ko');
  for (const tab of ['header', 'sections', 'symbols', 'relocations', 'modinfo', 'signature']) {
    await page.getByTestId(`tab-${tab}`).click();
  }
  await page.waitForLoadState('networkidle');

  expect(requests.urls.length).toBeGreaterThan(0);
  expect(
    requests.urls.some((u) => /module\.worker/.test(u)),
    'the worker is watched too',
  ).toBe(true);
  expect(requests.foreign()).toEqual([]);
});

test('the page forbids other origins by Content-Security-Policy', async ({ page }) => {
  await openApp(page);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("connect-src 'self'");
  const blocked = await page.evaluate(async () => {
    try {
      await fetch('https://example.com/');
      return false;
    } catch {
      return true;
    }
  });
  expect(blocked).toBe(true);
});

test('the explainer, the embed demo page and the exports stay on the origin too', async ({ page, requests }) => {
  await page.goto('./#v=1&view=explain&strategy=v5.4-flip&scenario=late-load&step=klp_write_object_relocations.last');
  await expect(page.getByTestId('rwx-alarm')).toBeVisible({ timeout: 30_000 });
  await Promise.all([page.waitForEvent('download'), page.getByTestId('export-svg').click()]);
  await Promise.all([page.waitForEvent('download'), page.getByTestId('export-png').click()]);
  await Promise.all([page.waitForEvent('download'), page.getByTestId('export-strip-svg').click()]);
  await Promise.all([page.waitForEvent('download'), page.getByTestId('export-strip-png').click()]);
  await page.getByTestId('export-ascii').click();
  await page.getByTestId('get-embed').click();
  await page.goto('./embed-demo.html');
  for (const id of ['fig-rwx', 'fig-poke'])
    await expect(page.frameLocator(`#${id}`).getByTestId('step-title')).toBeVisible({ timeout: 30_000 });
  await expect(page.frameLocator('#fig-reload').getByTestId('compare-column')).toHaveCount(2, { timeout: 30_000 });
  await page.waitForLoadState('networkidle');
  expect(requests.urls.some((u) => u.includes('embed-demo'))).toBe(true);
  // The iframes' own documents and their requests are in the log.
  expect(requests.urls.filter((u) => u.includes('embed=')).length).toBeGreaterThanOrEqual(3);
  expect(requests.foreign()).toEqual([]);
});

test('the guard fails a test whose page asks another origin', async ({ page, requests, baseURL }) => {
  // Same server, other origin (localhost instead of 127.0.0.1): the shared fixture must fail this test.
  test.fail(true, 'expected: the request guard of helpers.ts fails the test at teardown');
  const other = new URL(baseURL!);
  other.hostname = other.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
  await page.goto(other.href).catch(() => undefined);
  expect(requests.foreign()).toContain(other.href);
});

/** A second origin on this machine that would answer a fetch, a script import and a WebSocket. */
async function otherOrigin(): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'text/javascript', 'access-control-allow-origin': '*' });
    res.end('export const leaked = true;\n');
  });
  server.on('upgrade', (req, socket) => {
    hits.push(`upgrade ${req.url}`);
    const accept = createHash('sha1')
      .update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    hits,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

test('the worker that holds the files is under the policy too: fetch, import and WebSocket to another origin are blocked', async ({
  page,
}) => {
  const other = await otherOrigin();
  try {
    await openApp(page);
    const worker = page.workers().find((w) => w.url().startsWith('blob:'));
    expect(worker, 'the module worker runs from a blob: URL (inheriting the page policy)').toBeDefined();
    const outcome = await worker!.evaluate(async (base) => {
      const attempt = async (f: () => Promise<unknown>) => {
        try {
          await f();
          return 'went out';
        } catch {
          return 'blocked';
        }
      };
      const fetched = await attempt(() => fetch(`${base}fetch`));
      const imported = await attempt(() => import(/* @vite-ignore */ `${base}import.js`));
      const socket = await new Promise<string>((resolve) => {
        try {
          const ws = new WebSocket(`${base.replace('http', 'ws')}ws`);
          ws.onopen = () => resolve('went out');
          ws.onerror = () => resolve('blocked');
        } catch {
          resolve('blocked');
        }
      });
      return { fetched, imported, socket };
    }, other.url);
    expect(outcome).toEqual({ fetched: 'blocked', imported: 'blocked', socket: 'blocked' });
    expect(other.hits, 'requests that reached the second origin').toEqual([]);
  } finally {
    await other.close();
  }
});
