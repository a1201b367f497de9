// Crafted files (issue #16 §3): names and relocation tables shared by many headers are decoded once.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { sharedLongNames, sharedRelocationTable, sharedSectionNames } from '../fuzz/crafted.ts';
import { openModule } from '../module_file.ts';
import { cString, StringTable } from './strings.ts';

test('StringTable.get() is cString() for every offset of any table, valid UTF-8 or not', () => {
  const byte = fc.oneof(
    fc.constantFrom(0, 0x41, 0x80, 0xbf, 0xc2, 0xe0, 0xed, 0xf0, 0xf4, 0xff),
    fc.integer({ min: 0, max: 255 }),
  );
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 64 }), fc.array(byte, { maxLength: 64 }), (a, b) => {
      const table = new Uint8Array([...a, ...b]);
      const t = new StringTable(table);
      for (let o = 0; o <= table.length + 1; o++) expect(t.get(o)).toBe(cString(table, o));
    }),
    { numRuns: 2000 },
  );
  const text = new TextEncoder().encode('\0é€😀 ascii ü\0\u202eatad\0');
  const t = new StringTable(text);
  for (let o = 0; o < text.length; o++) expect(t.get(o)).toBe(cString(text, o));
});

const heapGrowth = async (f: () => Promise<unknown>) => {
  globalThis.gc?.();
  const before = process.memoryUsage().heapUsed;
  const kept = await f();
  const after = process.memoryUsage().heapUsed;
  expect(kept).toBeDefined();
  return after - before;
};

test('20,000 symbols naming one 1 MB string decode it once (not 20 GB)', async () => {
  for (const distinct of [false, true]) {
    const file = sharedLongNames(20_000, 2 ** 20, distinct);
    let names: string[] = [];
    const grown = await heapGrowth(async () => {
      const r = await openModule(file, 'shared.ko');
      if (!r.ok) throw new Error(r.error.message);
      names = r.module.elf.symbols.map((s) => s.name);
      return r;
    });
    expect(grown).toBeLessThan(64 * 2 ** 20);
    expect(names[1]!.length).toBe(2 ** 20);
    expect(names[20_000]!.length).toBe(distinct ? 2 ** 20 - 19_999 : 2 ** 20);
  }
});

test('65,000 section headers naming one 64 KB string share it', async () => {
  const file = sharedSectionNames(65_000, 65_536);
  const grown = await heapGrowth(async () => {
    const r = await openModule(file, 'sections.ko');
    if (!r.ok) throw new Error(r.error.message);
    expect(r.module.elf.sections[64_000]!.name.length).toBe(65_536);
    return r;
  });
  expect(grown).toBeLessThan(256 * 2 ** 20);
});

test('1,000 SHT_RELA headers over one 100k-entry table share one set of columns', async () => {
  const r = await openModule(sharedRelocationTable(1000, 100_000), 'rela.ko');
  if (!r.ok) throw new Error(r.error.message);
  const relocs = r.module.elf.relocations;
  expect(relocs).toHaveLength(1000);
  expect(relocs.every((x) => x.count === 100_000 && x.offsets === relocs[0]!.offsets)).toBe(true);
  expect(new Set(relocs.map((x) => x.sectionIndex)).size).toBe(1000);
});
