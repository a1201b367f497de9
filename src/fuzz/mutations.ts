// Hostile variants of real modules, as fast-check arbitraries: the damage a corrupt download,
// a buggy toolchain or an attacker can do to an ELF relocatable, aimed at the structures the
// loader trusts (header fields, section headers, symbols, relocations, names).
import fc from 'fast-check';

export interface Base {
  name: string;
  bytes: Uint8Array;
}

interface Layout {
  shoff: number;
  shnum: number;
  sections: Array<{ at: number; type: number; offset: number; size: number; entsize: number }>;
}

function layoutOf(b: Uint8Array): Layout {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const shoff = Number(dv.getBigUint64(40, true));
  const shnum = dv.getUint16(60, true);
  const sections = Array.from({ length: shnum }, (_, i) => {
    const at = shoff + i * 64;
    return {
      at,
      type: dv.getUint32(at + 4, true),
      offset: Number(dv.getBigUint64(at + 24, true)),
      size: Number(dv.getBigUint64(at + 32, true)),
      entsize: Number(dv.getBigUint64(at + 56, true)),
    };
  });
  return { shoff, shnum, sections };
}

const absurd64 = fc.constantFrom(
  0n,
  1n,
  0x7fffffffn,
  0xffffffffn,
  0x100000000n,
  0x7fffffffffffffffn,
  0xffffffffffffffffn,
  0xfffffffffffff000n,
);
const absurd32 = fc.constantFrom(0, 1, 0x7fff, 0xffff, 0x10000, 0x7fffffff, 0xffffffff);
const absurd16 = fc.constantFrom(0, 1, 2, 0xff00, 0xff20, 0xfff1, 0xfff2, 0xffff);

type Mutation = (b: Uint8Array, l: Layout) => Uint8Array;

const copy = (b: Uint8Array) => b.slice();
const put = (b: Uint8Array, at: number, width: 2 | 4 | 8, v: bigint | number) => {
  if (at < 0 || at + width > b.length) return b;
  const dv = new DataView(b.buffer, b.byteOffset);
  if (width === 8) dv.setBigUint64(at, BigInt(v), true);
  else if (width === 4) dv.setUint32(at, Number(v) >>> 0, true);
  else dv.setUint16(at, Number(v) & 0xffff, true);
  return b;
};

/** Entries of the first section of a type (symbols: 24 bytes, RELA: 24). */
const entriesOf = (l: Layout, type: number) => l.sections.find((s) => s.type === type);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // bit flips anywhere
  fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 16 }).map(
    (flips): Mutation =>
      (b) => {
        const o = copy(b);
        for (const [p, bit] of flips) o[p % o.length]! ^= 1 << bit;
        return o;
      },
  ),
  // truncation at a structure boundary or anywhere
  fc.tuple(fc.nat(), fc.boolean()).map(
    ([n, boundary]): Mutation =>
      (b, l) => {
        const cuts = [
          0,
          16,
          63,
          64,
          l.shoff,
          l.shoff + 64,
          ...l.sections.flatMap((s) => [s.offset, s.offset + s.size, s.at, s.at + 64]),
        ];
        const at = boundary ? cuts[n % cuts.length]! : n % (b.length + 1);
        return b.slice(0, Math.max(0, Math.min(b.length, at)));
      },
  ),
  // header fields: e_shoff, e_shnum, e_shstrndx, e_shentsize, e_type, e_machine, ident
  fc.tuple(fc.constantFrom(16, 18, 58, 60, 62), absurd16).map(
    ([at, v]): Mutation =>
      (b) =>
        put(copy(b), at, 2, v),
  ),
  absurd64.map(
    (v): Mutation =>
      (b) =>
        put(copy(b), 40, 8, v),
  ),
  // section header fields of some section
  fc.tuple(fc.nat(), fc.constantFrom(0, 4, 40, 44), absurd32).map(
    ([i, f, v]): Mutation =>
      (b, l) =>
        put(copy(b), (l.sections[i % l.shnum]?.at ?? 0) + f, 4, v),
  ),
  fc.tuple(fc.nat(), fc.constantFrom(8, 16, 24, 32, 48, 56), absurd64).map(
    ([i, f, v]): Mutation =>
      (b, l) =>
        put(copy(b), (l.sections[i % l.shnum]?.at ?? 0) + f, 8, v),
  ),
  // overlapping sections: one section's offset/size copied onto another
  fc.tuple(fc.nat(), fc.nat()).map(
    ([i, j]): Mutation =>
      (b, l) => {
        const o = copy(b);
        const a = l.sections[i % l.shnum]!;
        const c = l.sections[j % l.shnum]!;
        put(o, c.at + 24, 8, a.offset);
        return put(o, c.at + 32, 8, a.size);
      },
  ),
  // a symbol's name, shndx, value or size
  fc.tuple(fc.nat(), fc.constantFrom(0, 6, 8, 16), absurd64).map(
    ([i, f, v]): Mutation =>
      (b, l) => {
        const s = entriesOf(l, 2);
        if (!s) return b;
        const at = s.offset + (i % Math.max(1, Math.floor(s.size / 24))) * 24 + f;
        return f === 6
          ? put(copy(b), at, 2, Number(v & 0xffffn))
          : f === 0
            ? put(copy(b), at, 4, Number(v & 0xffffffffn))
            : put(copy(b), at, 8, v);
      },
  ),
  // a relocation's offset, symbol index, type or addend
  fc.tuple(fc.nat(), fc.constantFrom(0, 8, 12, 16), absurd64).map(
    ([i, f, v]): Mutation =>
      (b, l) => {
        const rs = l.sections.filter((s) => s.type === 4);
        if (!rs.length) return b;
        const s = rs[i % rs.length]!;
        const at = s.offset + (Math.floor(i / rs.length) % Math.max(1, Math.floor(s.size / 24))) * 24 + f;
        return f === 8 || f === 12 ? put(copy(b), at, 4, Number(v & 0xffffffffn)) : put(copy(b), at, 8, v);
      },
  ),
  // string tables without terminators, or names rewritten into broken .klp grammar
  fc
    .tuple(
      fc.nat(),
      fc.constantFrom(
        '.klp.sym.',
        '.klp.sym.vmlinux.',
        '.klp.sym.x.y,',
        '.klp.rela.',
        '.klp.rela.vmlinux',
        '.klp.arch.',
        'A'.repeat(600),
      ),
    )
    .map(
      ([i, text]): Mutation =>
        (b, l) => {
          const strs = l.sections.filter((s) => s.type === 3);
          if (!strs.length) return b;
          const s = strs[i % strs.length]!;
          const o = copy(b);
          const enc = new TextEncoder().encode(text);
          const at = s.offset + (i % Math.max(1, s.size));
          for (let k = 0; k < enc.length && at + k < Math.min(o.length, s.offset + s.size); k++) o[at + k] = enc[k]!;
          return o;
        },
    ),
);

/** A base module and one to three mutations applied in turn. */
export function hostileModule(bases: Base[]): fc.Arbitrary<{ base: string; bytes: Uint8Array }> {
  return fc
    .tuple(fc.nat({ max: bases.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 3 }))
    .map(([i, ms]) => {
      const base = bases[i]!;
      let bytes = base.bytes;
      for (const m of ms) {
        if (bytes.length < 64) break;
        let l: Layout;
        try {
          l = layoutOf(bytes);
        } catch {
          break;
        }
        if (l.shoff + l.shnum * 64 > bytes.length || l.shnum === 0) {
          bytes = m(bytes, { shoff: 0, shnum: 1, sections: [{ at: 0, type: 0, offset: 0, size: 0, entsize: 0 }] });
          continue;
        }
        bytes = m(bytes, l);
      }
      return { base: base.name, bytes };
    });
}
