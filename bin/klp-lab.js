#!/usr/bin/env node
// `npx klp-lab …`: the command-line face of the core, run straight from the TypeScript
// sources (tsx), so a fresh `npm ci` is enough.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
