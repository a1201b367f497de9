// The real modules the fuzzer mutates: small Debian modules and the samples (a livepatch among
// them, so .klp names and sections get broken too).
import { readFileSync } from 'node:fs';
import type { Base } from './mutations.ts';

const files = [
  'src/elf/__fixtures__/debian/crc7.ko',
  'src/elf/__fixtures__/debian/nls_utf8.ko',
  'src/elf/__fixtures__/debian/dummy.ko',
  'public/samples/klp/klp_demo_patch.ko',
  'public/samples/klp/klp_demo_target.ko',
];

export function fuzzBases(): Base[] {
  return files.map((name) => ({
    name,
    bytes: new Uint8Array(readFileSync(new URL(`../../${name}`, import.meta.url))),
  }));
}
