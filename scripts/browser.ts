// Which Chromium the browser tests use, and what to do on a machine that has none. Playwright
// never downloads a browser here (no network but npm and Debian), so `npm test` finds Debian's
// Chromium, installs it when it can (root with apt-get), or stops at once with one line saying
// what to install: never a launch failure per test.
import { accessSync, constants } from 'node:fs';

/** Where Debian, Ubuntu and Google put a Chromium-family browser, in the order tried. */
export const CHROMIUM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
] as const;

export const INSTALL_HINT =
  "install Debian's Chromium (apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium binary";

export interface Host {
  env: Record<string, string | undefined>;
  executable(path: string): boolean;
  isRoot: boolean;
  hasApt: boolean;
}

export type BrowserPlan =
  | { kind: 'found'; path: string }
  | { kind: 'install'; commands: string[][] }
  | { kind: 'missing'; message: string };

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findChromium(host: Pick<Host, 'env' | 'executable'>): string | undefined {
  const given = host.env.CHROMIUM_PATH;
  if (given) return host.executable(given) ? given : undefined;
  return CHROMIUM_CANDIDATES.find((p) => host.executable(p));
}

export function planBrowser(host: Host): BrowserPlan {
  const given = host.env.CHROMIUM_PATH;
  const found = findChromium(host);
  if (found) return { kind: 'found', path: found };
  // an explicit path is the user's choice: never install something else behind their back
  if (given) return { kind: 'missing', message: `CHROMIUM_PATH=${given} is not an executable file: ${INSTALL_HINT}` };
  if (host.isRoot && host.hasApt) {
    const apt = ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get'];
    return {
      kind: 'install',
      commands: [
        [...apt, 'update'],
        [...apt, 'install', '-y', '--no-install-recommends', 'chromium'],
      ],
    };
  }
  return { kind: 'missing', message: `the browser tests need Chromium and none was found: ${INSTALL_HINT}` };
}
