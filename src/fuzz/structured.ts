// Structure-aware fuzz inputs (issue #16 §3): not a real module with bytes flipped
// (mutations.ts) but files whose counts, sharing, name lengths and sizes are chosen — many
// headers over one table, many symbols over one name, a huge sh_size, a decompression bomb —
// the inputs that found the unbounded time and memory. Sizes are kept so that each input must
// finish in well under a second; bench/crafted.ts runs the full-size ones.
import fc from 'fast-check';
import { zstdBomb } from '../decompress/bombs.ts';
import { SHF_ALLOC, SHT_NOBITS, SHT_PROGBITS, SHT_RELA, SIZEOF_RELA } from '../elf/constants.ts';
import {
  bigModinfo,
  buildElf,
  type CraftSection,
  graft,
  HOSTILE_NAMES,
  hostileNames,
  hugeNobits,
  relaTable,
  sharedLongNames,
  sharedRelocationTable,
  sharedSectionNames,
} from './crafted.ts';
import type { Base } from './mutations.ts';

export interface StructuredInput {
  base: string;
  bytes: Uint8Array;
}

const RELOCATION_TYPES = [0, 1, 2, 4, 9, 10, 11, 24, 42, 0xffff];

export function structuredModule(bases: Base[]): fc.Arbitrary<StructuredInput> {
  const named = (base: string) => (bytes: Uint8Array) => ({ base, bytes });
  const realBase = fc.constantFrom(...bases.filter((b) => !b.name.includes('klp_demo_patch')));
  return fc.oneof(
    fc
      .tuple(fc.integer({ min: 1, max: 4000 }), fc.integer({ min: 1, max: 200_000 }), fc.boolean())
      .map(([n, len, distinct]) => named('shared symbol name')(sharedLongNames(n, len, distinct))),
    fc
      .tuple(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 20_000 }))
      .map(([n, len]) => named('shared section name')(sharedSectionNames(n, len))),
    fc
      .tuple(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 20_000 }), fc.boolean())
      .map(([h, e, alloc]) => named('shared relocation table')(sharedRelocationTable(h, e, alloc))),
    fc
      .tuple(
        realBase,
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.constantFrom(...RELOCATION_TYPES),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 8192 }),
      )
      .map(([b, headers, entries, type, sym, span]) => {
        const rela = relaTable(entries, type, sym, (i) => (i * 8) % span);
        const sections: CraftSection[] = [
          { name: '.data.crafted', type: SHT_PROGBITS, flags: SHF_ALLOC | 1n, data: new Uint8Array(4096) },
        ];
        for (let i = 0; i < headers; i++)
          sections.push({
            name: '.rela.data.crafted',
            type: SHT_RELA,
            data: i === 0 ? rela : { sameAs: 1 },
            entsize: SIZEOF_RELA,
          });
        return { base: `${b.name} + shared relocations`, bytes: graftRela(b.bytes, sections) };
      }),
    fc.tuple(realBase, fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 60_000 })).map(([b, count, len]) => {
      const names = new Uint8Array(count * (len + 1)).fill(0x62);
      for (let i = 0; i < count; i++) {
        names[i * (len + 1) + len] = 0;
        names[i * (len + 1)] = 0x41 + (i % 26);
        if (len > 1) names[i * (len + 1) + 1] = 0x41 + Math.floor(i / 26);
      }
      return {
        base: `${b.name} + long symbol names`,
        bytes: graft(b.bytes, { symbols: { count, names, nameOffset: (i) => i * (len + 1) } }),
      };
    }),
    fc
      .tuple(fc.integer({ min: 0, max: 50_000 }), fc.integer({ min: 0, max: 2_000_000 }))
      .map(([n, len]) => named('big .modinfo')(n ? bigModinfo(n) : bigModinfo(1, len))),
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((size) => named('huge SHT_NOBITS')(hugeNobits(size))),
    fc
      .tuple(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.constantFrom(SHT_PROGBITS, SHT_RELA, SHT_NOBITS, 2, 3))
      .map(([size, type]) => named('big sh_size')(buildElf([{ name: '.big', type, flags: SHF_ALLOC, size }]))),
    fc.integer({ min: 1, max: 2 ** 23 }).map((n) => named('zstd bomb')(zstdBomb(n))),
    fc.tuple(realBase, fc.constantFrom(...HOSTILE_NAMES)).map(([b, name]) => ({
      base: `${b.name} + hostile section name`,
      bytes: graft(b.bytes, {
        sections: [{ name, type: SHT_PROGBITS, flags: SHF_ALLOC, data: new Uint8Array(8) }],
      }),
    })),
    fc.constant(named('hostile names')(hostileNames())),
  );
}

/** graft() with SHT_RELA sections pointed at the first added section and the base's .symtab. */
function graftRela(base: Uint8Array, sections: CraftSection[]): Uint8Array {
  const probe = graft(base, {});
  const dv = new DataView(probe.buffer);
  const shnum = dv.getUint16(60, true); // base sections + .shstrtab: the first added one is shnum - 1
  const shoff = Number(dv.getBigUint64(40, true));
  let symtab = 0;
  for (let i = 1; i < shnum; i++) if (dv.getUint32(shoff + i * 64 + 4, true) === 2) symtab = i;
  return graft(base, {
    sections: sections.map((x) => (x.type === SHT_RELA ? { ...x, info: shnum - 1, link: symtab } : x)),
  });
}
