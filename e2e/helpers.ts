// Shared by every spec: `test` and `expect` (import them from here, not from @playwright/test),
// and helpers to open the app and files.
//
// `test` guards privacy for the whole suite: its `context` (hence every `page`) records every
// request of every page, frame (the embed demo's iframes), worker and service worker, every
// WebSocket and every worker / service-worker script, and the test fails if one went to another
// origin than the app's. Only data:, blob: and about: URLs (which load nothing from anywhere)
// are exempt, and so is a request the browser refused by Content-Security-Policy before it left
// (net::ERR_BLOCKED_BY_CSP, or "csp" for a worker's request): it is seen, but nothing was sent.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, test as base, expect, type Page, type Request } from '@playwright/test';

export { expect };

/** The URLs a context asked for, as recorded by `test`'s guard. */
export interface RequestLog {
  /** Every URL requested (pages, frames, workers, service workers, WebSockets). */
  urls: string[];
  /** Those on another origin than the app's. */
  foreign(): string[];
}

const LOCAL_SCHEMES = ['data:', 'blob:', 'about:'];

function watch(context: BrowserContext, origin: string): RequestLog {
  const urls: string[] = [];
  const blockedByCsp = new Set<string>();
  const record = (url: string) => urls.push(url);
  const failed = (r: Request) => {
    const reason = r.failure()?.errorText;
    if (reason === 'net::ERR_BLOCKED_BY_CSP' || reason === 'csp') blockedByCsp.add(r.url());
  };
  const watchPage = (page: Page) => {
    page.on('request', (r) => record(r.url()));
    page.on('requestfailed', failed);
    page.on('websocket', (ws) => record(ws.url()));
    page.on('worker', (w) => record(w.url()));
    page.on('frameattached', (f) => record(f.url()));
    page.on('framenavigated', (f) => record(f.url()));
  };
  context.on('request', (r) => record(r.url()));
  context.on('requestfailed', failed);
  context.on('serviceworker', (sw) => record(sw.url()));
  context.on('page', watchPage);
  for (const page of context.pages()) watchPage(page);
  return {
    urls,
    foreign: () =>
      [...new Set(urls)].filter((url) => {
        if (url === '' || LOCAL_SCHEMES.some((s) => url.startsWith(s)) || blockedByCsp.has(url)) return false;
        try {
          return new URL(url).origin !== origin;
        } catch {
          return true;
        }
      }),
  };
}

export const test = base.extend<{ requests: RequestLog }>({
  // Every test's browser context, watched from its creation to the end of the test.
  context: async ({ context, baseURL }, use) => {
    const log = watch(context, new URL(baseURL!).origin);
    requestLogs.set(context, log);
    await use(context);
    const foreign = log.foreign();
    expect(foreign, 'requests to another origin than the app (the privacy promise: nothing leaves the origin)').toEqual(
      [],
    );
  },
  requests: async ({ context }, use) => {
    await use(requestLogs.get(context)!);
  },
});
const requestLogs = new WeakMap<BrowserContext, RequestLog>();

export const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** Waits until the inspector has opened the default sample and is idle (the app itself opens on Explain). */
export async function openApp(page: Page, path = './?view=inspect'): Promise<void> {
  await page.goto(path);
  await expect(page.getByTestId('file-summary')).toBeVisible();
  await expect(page.getByTestId('busy')).toHaveCount(0);
}

export async function openThroughInput(page: Page, name: string): Promise<void> {
  await page.getByTestId('file-input').setInputFiles(fixture(name));
  await expect(page.getByTestId('busy')).toHaveCount(0);
}

/** Drops a file on the page the way a browser does: dragenter, dragover, drop with a DataTransfer. */
export async function dropFile(page: Page, name: string): Promise<void> {
  const bytes = Array.from(readFileSync(fixture(name)));
  await page.evaluate(
    ({ bytes, name }) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], name, { type: 'application/octet-stream' }));
      const target = document.querySelector('[data-testid="drop-zone"]') ?? document.body;
      for (const type of ['dragenter', 'dragover', 'drop']) {
        target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
      }
    },
    { bytes, name },
  );
}

export function currentFileName(page: Page) {
  return page.getByTestId('file-summary').locator('h2');
}
