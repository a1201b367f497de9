// The command line as a user runs it: `npx klp-lab …` straight from the sources.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { expect, test } from 'vitest';
import { oracleImage, oracleTruth } from '../test_support/oracle.ts';

const root = new URL('../../', import.meta.url).pathname;
const klpLab = (...args: string[]) => spawnSync('node', ['bin/klp-lab.js', ...args], { cwd: root, encoding: 'utf8' });

test('layout --json: sections, sizes and final page permissions as the real kernel has them', () => {
  const r = klpLab('layout', 'src/elf/__fixtures__/debian/crc7.ko', '--json');
  expect(r.status).toBe(0);
  const out = JSON.parse(r.stdout);
  const truth = oracleTruth.modules.crc7!;
  expect(out.coresize).toBe(truth.coresize);
  expect(out.sections['.text']).toEqual({ region: 'core', offset: 0 });
  expect(out.sections['.rodata']).toEqual({ region: 'core', offset: truth.sections['.rodata']!.offset });
  expect(out.perms).toEqual([
    { from: 0, to: 4096, perm: 'r-x' },
    { from: 4096, to: 8192, perm: 'r--' },
    { from: 8192, to: 16384, perm: 'rw-' },
  ]);
});

test('load at the real base writes the real kernel\u2019s text and rodata bytes', () => {
  const dir = mkdtempSync(`${tmpdir()}/klp-lab-`);
  const truth = oracleTruth.modules.crc7!;
  const r = klpLab(
    'load',
    'src/elf/__fixtures__/debian/crc7.ko',
    '--base',
    truth.core_base,
    '--image',
    `${dir}/crc7.bin`,
    '--json',
  );
  expect(r.status).toBe(0);
  expect(JSON.parse(r.stdout).relocations).toEqual({ R_X86_64_32S: 1, R_X86_64_PLT32: 1, R_X86_64_PC32: 9 });
  const ours = new Uint8Array(readFileSync(`${dir}/crc7.bin`));
  expect(Buffer.compare(ours.subarray(0, 8192), oracleImage('crc7').subarray(0, 8192))).toBe(0);
});

test('a refusal exits 1 with the kernel message as the last line on stderr', () => {
  const r = klpLab('load', 'public/samples/klp/unconverted/klp_demo_patch.ko');
  expect(r.status).toBe(1);
  expect(r.stderr.trim().split('\n').at(-1)).toBe('klp_demo_patch: Unknown symbol klp_demo_greetings (err -2)');
  const bad = klpLab('layout', 'e2e/fixtures/garbage.ko');
  expect(bad.status).toBe(1);
  expect(bad.stderr.trim()).toBe('Invalid ELF header magic: != \x7fELF');
});
