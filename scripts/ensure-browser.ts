// `npm test`'s first step: make sure the browser tests will find a browser (see browser.ts).
import { spawnSync } from 'node:child_process';
import { findChromium, INSTALL_HINT, isExecutable, planBrowser } from './browser.ts';

const host = {
  env: process.env,
  executable: isExecutable,
  isRoot: process.getuid?.() === 0,
  hasApt: isExecutable('/usr/bin/apt-get'),
};
const plan = planBrowser(host);
if (plan.kind === 'missing') {
  console.error(`npm test: ${plan.message}`);
  process.exit(1);
}
if (plan.kind === 'install') {
  console.error("npm test: no Chromium found; installing Debian's (apt-get install chromium, ~1 min)");
  for (const [cmd, ...args] of plan.commands) {
    const r = spawnSync(cmd!, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) {
      console.error(`npm test: \`${[cmd, ...args].join(' ')}\` failed; ${INSTALL_HINT}`);
      process.exit(1);
    }
  }
  if (!findChromium(host)) {
    console.error(`npm test: Chromium was installed but is not where expected; ${INSTALL_HINT}`);
    process.exit(1);
  }
}
