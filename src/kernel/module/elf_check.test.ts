// elf_validity_check() refuses exactly what the real 6.1 kernel refused, with its message:
// truth/v6.1/elf-validity/result.json was recorded by insmod-ing these same crafted files.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { openModule } from '../../module_file.ts';
import { craftInvalidModules, stripSignature } from '../../test_support/craft.ts';
import { elf_validity_check } from './elf_check.ts';

const crc7 = new Uint8Array(readFileSync(new URL('../../elf/__fixtures__/debian/crc7.ko', import.meta.url)));
const unsigned = stripSignature(crc7);
const crafted = craftInvalidModules(unsigned);

interface OracleStep {
  cmd: string;
  rc: number;
  dmesg: string[];
}
const oracle: { steps: OracleStep[]; modules: Record<string, { sha256: string }> } = JSON.parse(
  readFileSync(new URL('../../../truth/v6.1/elf-validity/result.json', import.meta.url), 'utf8'),
);

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

test('the crafted files are the ones the real kernel was given', () => {
  for (const m of crafted) expect(sha256(m.bytes)).toBe(oracle.modules[`/mods/${m.name}.ko`]?.sha256);
});

describe.each(crafted)('$name.ko', ({ name, bytes }) => {
  const step = oracle.steps.find((s) => s.cmd === `insmod ${name}.ko`)!;
  const kernelSaid = step.dmesg.map((line) => line.replace(/^\[\s*\d+\.\d+\] /, ''));

  test('is refused with the errno and message of the real kernel', async () => {
    const result = await openModule(bytes, `${name}.ko`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.errno).toBe(step.rc);
    expect(result.error.errnoName).toBe('ENOEXEC');
    expect(result.error.where).toBe('elf_validity_check');
    expect([result.error.message]).toEqual(kernelSaid);
  });
});

test('the unmodified module passes, signed or not', () => {
  expect(elf_validity_check(unsigned)).toBeNull();
  expect(oracle.steps.find((s) => s.cmd === 'insmod crc7-unsigned.ko')?.rc).toBe(0);
});

test('a signed module is checked on its ELF part only (module_sig_check strips the signature first)', () => {
  // The section header table is the last thing before the signature: one byte less of
  // info->len and it no longer fits.
  expect(elf_validity_check(crc7, unsigned.length)).toBeNull();
  expect(elf_validity_check(crc7, unsigned.length - 1)?.message).toBe('Invalid ELF section header overflow');
});
