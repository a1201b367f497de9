import { defineConfig, devices } from '@playwright/test';

import { findChromium, isExecutable } from './scripts/browser.ts';

// Debian's Chromium (or CHROMIUM_PATH), never a Playwright download: `playwright install` cannot
// reach the network here. `npm test` installs or asks for one first (scripts/ensure-browser.ts).
const executablePath = findChromium({ env: process.env, executable: isExecutable }) ?? '/usr/bin/chromium';
// KLP_E2E_PORT: several checkouts on one machine each test against their own preview server.
const PORT = Number(process.env.KLP_E2E_PORT ?? 4173);

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  reporter: process.env.CI ? 'line' : [['list']],
  use: {
    ...devices['Desktop Chrome'],
    baseURL: `http://127.0.0.1:${PORT}/`,
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    },
    trace: 'retain-on-failure',
  },
  webServer: {
    // `npm test` builds before Playwright runs; build again here only when run on its own.
    command: `${process.env.KLP_SKIP_BUILD ? '' : 'node node_modules/vite/bin/vite.js build && '}node node_modules/vite/bin/vite.js preview --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
