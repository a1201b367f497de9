// The app and the embed demo have an icon: nothing they ask for is missing (no /favicon.ico 404).
import { expect, test } from './helpers.ts';

for (const path of ['./?view=explain', './embed-demo.html']) {
  test(`${path} names its icon and nothing it loads is a 404`, async ({ page, request }) => {
    const missing: string[] = [];
    page.context().on('response', (r) => {
      if (r.status() === 404) missing.push(r.url());
    });
    await page.goto(path);
    await page.waitForLoadState('networkidle');
    const icon = page.locator('link[rel="icon"]');
    await expect(icon).toHaveAttribute('type', 'image/svg+xml');
    const href = await icon.evaluate((l: HTMLLinkElement) => l.href);
    expect(new URL(href).pathname).toBe('/favicon.svg');
    const svg = await request.get(href);
    expect(svg.status()).toBe(200);
    expect(svg.headers()['content-type']).toContain('image/svg+xml');
    const ico = await request.get('./favicon.ico');
    expect(ico.status()).toBe(200);
    expect([...(await ico.body()).subarray(0, 4)]).toEqual([0, 0, 1, 0]);
    expect(missing).toEqual([]);
  });
}
