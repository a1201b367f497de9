#!/usr/bin/env node
// `npx klp-lab …`: the command-line face of the core. A fresh `npm ci` is enough: the
// TypeScript sources run as one esbuild bundle cached in node_modules/.cache/klp-lab/ and
// checked against the sources' contents on every start (bin/cli_bundle.js), built on first
// use; without it (KLP_LAB_TSX=1, or the bundle cannot be built) they run through tsx.
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';

// The young generation stays at its first size instead of growing to 3 × 16 MiB: a load of
// amdgpu.ko (19 MB) peaks at 117 MB resident instead of 145 MB, in the same CPU time (npm run
// bench). The flag is read whenever the heap would grow, so it still applies at this point.
setFlagsFromString('--semi-space-growth-factor=1');

const root = fileURLToPath(new URL('..', import.meta.url));
let bundle;
if (!process.env.KLP_LAB_TSX) {
  try {
    bundle = await (await import('./cli_bundle.js')).bundledEntry(root, 'src/cli/main.ts');
  } catch {
    bundle = undefined;
  }
}
if (bundle) {
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
