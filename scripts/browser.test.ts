import { describe, expect, it } from 'vitest';
import { type Host, planBrowser } from './browser.ts';

const host = (over: Partial<Host> & { present?: string[] }): Host => ({
  env: {},
  isRoot: false,
  hasApt: false,
  executable: (p) => (over.present ?? []).includes(p),
  ...over,
});

describe('the browser the e2e tests use', () => {
  it('is CHROMIUM_PATH when that is an executable', () => {
    expect(
      planBrowser(host({ env: { CHROMIUM_PATH: '/opt/c/chrome' }, present: ['/opt/c/chrome', '/usr/bin/chromium'] })),
    ).toEqual({
      kind: 'found',
      path: '/opt/c/chrome',
    });
  });
  it("is Debian's /usr/bin/chromium before the other places", () => {
    expect(planBrowser(host({ present: ['/usr/bin/google-chrome', '/usr/bin/chromium'] }))).toEqual({
      kind: 'found',
      path: '/usr/bin/chromium',
    });
  });
  it('is installed from Debian when none is found and we are root with apt', () => {
    const plan = planBrowser(host({ isRoot: true, hasApt: true }));
    expect(plan.kind).toBe('install');
    expect(plan.kind === 'install' && plan.commands.at(-1)).toEqual([
      'env',
      'DEBIAN_FRONTEND=noninteractive',
      'apt-get',
      'install',
      '-y',
      '--no-install-recommends',
      'chromium',
    ]);
  });
  it('stops with one line naming what to install when it cannot install', () => {
    const plan = planBrowser(host({ isRoot: false, hasApt: true }));
    expect(plan).toEqual({
      kind: 'missing',
      message:
        "the browser tests need Chromium and none was found: install Debian's Chromium (apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium binary",
    });
  });
  it('never installs behind an explicit CHROMIUM_PATH that is wrong', () => {
    const plan = planBrowser(
      host({ env: { CHROMIUM_PATH: '/nope' }, isRoot: true, hasApt: true, present: ['/usr/bin/chromium'] }),
    );
    expect(plan.kind).toBe('missing');
    expect(plan.kind === 'missing' && plan.message.startsWith('CHROMIUM_PATH=/nope is not an executable file')).toBe(
      true,
    );
  });
});
