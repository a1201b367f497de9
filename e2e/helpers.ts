import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, type Page } from '@playwright/test';

export const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** Waits until the app has opened the default sample and is idle. */
export async function openApp(page: Page, path = './'): Promise<void> {
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
