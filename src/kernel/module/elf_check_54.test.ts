// 5.4's elf_header_check(): the header checks only, and silent; a section that runs past the
// file is caught later by rewrite_section_headers() ("Module len %lu truncated").
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { parseElfObject } from '../../elf/parse.ts';
import { craftInvalidModules, stripSignature } from '../../test_support/craft.ts';
import { Kernel } from '../kernel.ts';
import { load_module } from './main.ts';

const crc7 = stripSignature(
  new Uint8Array(readFileSync(new URL('../../elf/__fixtures__/debian/crc7.ko', import.meta.url))),
);
const crafted = Object.fromEntries(craftInvalidModules(crc7).map((m) => [m.name, m.bytes]));
const base = parseElfObject(crc7, 'crc7.ko');

// the decoded form only matters past the header checks: header-damaged files reuse crc7's
function load54(bytes: Uint8Array, headerIntact = false) {
  const k = new Kernel({ kernel: '5.4', fakeMissingSymbols: true });
  const r = load_module(k, bytes, headerIntact ? parseElfObject(bytes, 'crafted.ko') : base);
  const log = k.trace.trace.steps.flatMap((s) => s.events.flatMap((e) => (e.kind === 'printk' ? [e.text] : [])));
  return { r, log };
}

test.each(['len', 'magic', 'type', 'machine', 'shentsize', 'shoff'])(
  '%s: refused with ENOEXEC and not a word in the log',
  (name) => {
    const { r, log } = load54(crafted[name]!);
    expect(r.ok).toBe(false);
    expect(r.error).toMatchObject({ errnoName: 'ENOEXEC', where: 'elf_header_check', message: '' });
    expect(log).toEqual([]);
  },
);

test('a section past the end of the file: "Module len N truncated" from rewrite_section_headers()', () => {
  const { r, log } = load54(crafted['section-overflow']!, true);
  expect(r.error).toMatchObject({
    errnoName: 'ENOEXEC',
    where: 'rewrite_section_headers',
    message: `Module len ${crc7.length} truncated`,
  });
  expect(log).toEqual([`Module len ${crc7.length} truncated`]);
});
