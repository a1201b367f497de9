// axe-core on every view — the inspector, Explain, the comparison, presenter mode and its notes
// window, and each embed — in the light and the dark theme (the app follows prefers-color-scheme):
// no serious or critical violation.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './helpers.ts';

const RWX = '#v=1&view=explain&strategy=v5.4-flip&scenario=late-load&step=klp_write_object_relocations.last';
const COMPARE = '#v=1&view=explain&compare=v5.4-flip,text-poke&scenario=late-load';

const views: Array<{ name: string; url: string; ready: (page: Page) => Promise<void> }> = [
  {
    name: 'inspector',
    url: './?view=inspect',
    ready: (page) => expect(page.getByTestId('file-summary')).toBeVisible(),
  },
  {
    name: 'explain',
    url: `./${RWX}`,
    ready: (page) => expect(page.getByTestId('run-status')).toContainText('steps', { timeout: 30_000 }),
  },
  {
    name: 'compare',
    url: `./${COMPARE}`,
    ready: (page) => expect(page.getByTestId('compare-column')).toHaveCount(2, { timeout: 30_000 }),
  },
  {
    name: 'presenter mode',
    url: `./${RWX}&present=1`,
    ready: (page) => expect(page.getByTestId('present-count')).toContainText('step', { timeout: 30_000 }),
  },
  {
    name: 'presenter view (notes)',
    url: `./${RWX}&present=notes`,
    ready: (page) => expect(page.getByTestId('notes-where')).toContainText('step', { timeout: 30_000 }),
  },
  {
    name: 'embed map',
    url: `./?embed=map${RWX}`,
    ready: (page) => expect(page.getByTestId('rwx-alarm')).toBeVisible({ timeout: 30_000 }),
  },
  {
    name: 'embed timeline',
    url: `./?embed=timeline${RWX}`,
    ready: (page) => expect(page.getByTestId('step-title')).not.toBeEmpty({ timeout: 30_000 }),
  },
  {
    name: 'embed compare',
    url: `./?embed=compare${COMPARE}`,
    ready: (page) => expect(page.getByTestId('compare-column')).toHaveCount(2, { timeout: 30_000 }),
  },
  {
    name: 'embed demo page',
    url: './embed-demo.html',
    ready: (page) => expect(page.frameLocator('#fig-rwx').getByTestId('rwx-alarm')).toBeVisible({ timeout: 30_000 }),
  },
];

for (const scheme of ['light', 'dark'] as const) {
  for (const view of views) {
    test(`${view.name}, ${scheme}: no serious or critical axe violation`, async ({ page }) => {
      await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
      await page.goto(view.url);
      await view.ready(page);
      await expect(page.getByTestId('busy')).toHaveCount(0);
      const { violations } = await new AxeBuilder({ page }).analyze();
      const bad = violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map(
          (v) =>
            `${v.id} (${v.impact}): ${v.nodes.map((n) => `${n.target.join(' ')} — ${n.failureSummary}`).join(' | ')}`,
        );
      expect(bad).toEqual([]);
    });
  }
}
