// Every sample list names each module so nobody has to guess: two built-in modules with one file
// name say what tells them apart, and a module open in the inspector says whose it is.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { builtinLabel, openFileLabel } from './module_ref.ts';

const manifest = JSON.parse(readFileSync(new URL('../../../public/samples/index.json', import.meta.url), 'utf8')) as {
  samples: Array<{ id: string; file: string; title: string; description: string }>;
};

test('the built-in samples are listed by unambiguous titles', () => {
  expect(manifest.samples.map(builtinLabel)).toEqual([
    'klp_demo_patch.ko — converted livepatch',
    'klp_demo_target.ko — target',
    'klp_demo_target2.ko — second target',
    'klp_demo_replace.ko — cumulative livepatch',
    'klp_demo_patch.ko — before klp-convert (the kernel refuses it)',
    'klp_demo_patch.ko — 6.12 build, converted',
    'klp_demo_target.ko — 6.12 build, target',
    'klp_demo_target2.ko — 6.12 build, second target',
    'klp_demo_replace.ko — 6.12 build, cumulative',
    'veth.ko — Debian 6.1, signed',
  ]);
  // Each title starts with its file's name, and no two are the same.
  for (const m of manifest.samples) expect(m.title.startsWith(`${m.file.split('/').pop()} — `)).toBe(true);
  expect(new Set(manifest.samples.map((m) => m.title)).size).toBe(manifest.samples.length);
});

test('a module open in the inspector says whether it is the user’s file or a built-in one', () => {
  expect(openFileLabel({ name: 'my_patch.ko', origin: 'file' })).toBe('my_patch.ko — your file');
  expect(openFileLabel({ name: 'klp_demo_patch.ko', origin: 'sample' })).toBe(
    'klp_demo_patch.ko — built-in sample, open in the inspector',
  );
});
