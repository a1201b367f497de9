// Structure-aware crafted modules: small files whose counts, sharing, name lengths and sizes are
// chosen to hurt a decoder (issue #16 §3). Each is built in code, so no big binary is committed;
// the tests, the fuzz suite (src/fuzz) and bench/crafted.ts all take them from here.
import { gzipSync } from 'fflate';
import { zstdBomb } from '../decompress/bombs.ts';
import {
  EM_X86_64,
  ET_REL,
  SHF_ALLOC,
  SHF_INFO_LINK,
  SHT_NOBITS,
  SHT_PROGBITS,
  SHT_RELA,
  SHT_STRTAB,
  SHT_SYMTAB,
  SIZEOF_EHDR,
  SIZEOF_RELA,
  SIZEOF_SHDR,
  SIZEOF_SYM,
} from '../elf/constants.ts';
import { parseElfObject } from '../elf/parse.ts';
import { sectionBytes } from '../elf/section_bytes.ts';
import { stripSignature } from '../test_support/craft.ts';

export interface CraftSection {
  name: string;
  type: number;
  flags?: bigint;
  /** Contents, or the index of an earlier section whose bytes this header points at too. */
  data?: Uint8Array | { sameAs: number };
  /** sh_size when it is not the data's length (a NOBITS size, a lie). */
  size?: bigint;
  link?: number;
  info?: number;
  entsize?: number;
  addralign?: number;
  /** sh_name given as is instead of the offset of `name` in .shstrtab. */
  nameOffset?: number;
}

const encoder = new TextEncoder();

/**
 * An x86-64 ET_REL file: ELF header, section data in order, section headers at the end; section
 * 0 (SHT_NULL) and .shstrtab (last) are added. Names are interned once in .shstrtab.
 */
export function buildElf(sections: CraftSection[], shstrtabPrefix?: Uint8Array): Uint8Array {
  const names = new Map<string, number>();
  const strParts: Uint8Array[] = [new Uint8Array(1)];
  let strSize = 1;
  if (shstrtabPrefix) {
    strParts.push(shstrtabPrefix);
    strSize += shstrtabPrefix.length;
  }
  const intern = (s: string) => {
    let at = names.get(s);
    if (at === undefined) {
      at = strSize;
      const b = encoder.encode(`${s}\0`);
      strParts.push(b);
      strSize += b.length;
      names.set(s, at);
    }
    return at;
  };
  const all: CraftSection[] = [{ name: '', type: 0 }, ...sections];
  const nameOffsets = all.map((s, i) => (i === 0 ? 0 : (s.nameOffset ?? intern(s.name))));
  const shstrndx = all.length;
  const shstrName = intern('.shstrtab');
  const shstrtab = concat(strParts, strSize);

  const offsets: number[] = [];
  const sizes: bigint[] = [];
  let p = SIZEOF_EHDR;
  const blobs: Array<[number, Uint8Array]> = [];
  all.forEach((s, i) => {
    const d = s.data;
    if (d && 'sameAs' in d) {
      offsets[i] = offsets[d.sameAs + 1]!;
      sizes[i] = s.size ?? sizes[d.sameAs + 1]!;
      return;
    }
    const align = Math.max(1, s.addralign ?? 8);
    p = Math.ceil(p / align) * align;
    const bytes = d ?? new Uint8Array(0);
    offsets[i] = s.type === SHT_NOBITS || i === 0 ? 0 : p;
    sizes[i] = s.size ?? BigInt(bytes.length);
    if (s.type !== SHT_NOBITS && bytes.length) {
      blobs.push([p, bytes]);
      p += bytes.length;
    }
  });
  const strOffset = p;
  p += shstrtab.length;
  const shoff = (p + 7) & ~7;
  const shnum = all.length + 1;
  const out = new Uint8Array(shoff + shnum * SIZEOF_SHDR);
  const dv = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  dv.setUint16(16, ET_REL, true);
  dv.setUint16(18, EM_X86_64, true);
  dv.setUint32(20, 1, true);
  dv.setBigUint64(40, BigInt(shoff), true);
  dv.setUint16(52, SIZEOF_EHDR, true);
  dv.setUint16(58, SIZEOF_SHDR, true);
  dv.setUint16(60, shnum, true);
  dv.setUint16(62, shstrndx, true);
  for (const [at, bytes] of blobs) out.set(bytes, at);
  out.set(shstrtab, strOffset);
  const header = (i: number, name: number, s: CraftSection, offset: number, size: bigint) => {
    const h = shoff + i * SIZEOF_SHDR;
    dv.setUint32(h, name, true);
    dv.setUint32(h + 4, s.type, true);
    dv.setBigUint64(h + 8, s.flags ?? 0n, true);
    dv.setBigUint64(h + 24, BigInt(offset), true);
    dv.setBigUint64(h + 32, size, true);
    dv.setUint32(h + 40, s.link ?? 0, true);
    dv.setUint32(h + 44, s.info ?? 0, true);
    dv.setBigUint64(h + 48, BigInt(s.addralign ?? 8), true);
    dv.setBigUint64(h + 56, BigInt(s.entsize ?? 0), true);
  };
  all.forEach((s, i) => {
    if (i > 0) header(i, nameOffsets[i]!, s, offsets[i]!, sizes[i]!);
  });
  header(shstrndx, shstrName, { name: '.shstrtab', type: SHT_STRTAB }, strOffset, BigInt(shstrtab.length));
  return out;
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let p = 0;
  for (const b of parts) {
    out.set(b, p);
    p += b.length;
  }
  return out;
}

/** A string table holding `name` once at offset 1. */
function tableWith(name: Uint8Array): Uint8Array {
  const t = new Uint8Array(name.length + 2);
  t.set(name, 1);
  return t;
}

function symtab(count: number, nameOffset: (i: number) => number): Uint8Array {
  const data = new Uint8Array((count + 1) * SIZEOF_SYM);
  const dv = new DataView(data.buffer);
  for (let i = 1; i <= count; i++) {
    dv.setUint32(i * SIZEOF_SYM, nameOffset(i - 1), true);
    data[i * SIZEOF_SYM + 4] = 0x10; // STB_GLOBAL, STT_NOTYPE
  }
  return data;
}

/** `symbols` symbols all named by one `nameLength`-byte string (or each at its own offset into it). */
export function sharedLongNames(symbols: number, nameLength: number, distinctOffsets = false): Uint8Array {
  const strtab = tableWith(new Uint8Array(nameLength).fill(0x41));
  return buildElf([
    { name: '.text', type: SHT_PROGBITS, flags: SHF_ALLOC | 4n, data: new Uint8Array(16) },
    { name: '.symtab', type: SHT_SYMTAB, data: symtab(symbols, (i) => (distinctOffsets ? 1 + i : 1)), link: 3 },
    { name: '.strtab', type: SHT_STRTAB, data: strtab },
  ]);
}

/** `count` section headers all named by one `nameLength`-byte string in .shstrtab. */
export function sharedSectionNames(count: number, nameLength: number): Uint8Array {
  const name = new Uint8Array(nameLength).fill(0x42);
  const prefix = new Uint8Array(nameLength + 1);
  prefix.set(name);
  const sections: CraftSection[] = [];
  for (let i = 0; i < count; i++) sections.push({ name: '', type: SHT_PROGBITS, nameOffset: 1 });
  return buildElf(sections, prefix);
}

/** `headers` SHT_RELA headers over one table of `entries` relocations (R_X86_64_64 against symbol 1). */
export function sharedRelocationTable(headers: number, entries: number, allocTarget = false): Uint8Array {
  const rela = new Uint8Array(entries * SIZEOF_RELA);
  const dv = new DataView(rela.buffer);
  for (let i = 0; i < entries; i++) {
    dv.setBigUint64(i * SIZEOF_RELA, BigInt((i * 8) % 4096), true);
    dv.setUint32(i * SIZEOF_RELA + 8, 1, true); // R_X86_64_64
    dv.setUint32(i * SIZEOF_RELA + 12, 1, true);
  }
  const sections: CraftSection[] = [
    { name: '.data', type: SHT_PROGBITS, flags: allocTarget ? SHF_ALLOC | 1n : 0n, data: new Uint8Array(4096) },
    { name: '.symtab', type: SHT_SYMTAB, data: symtab(1, () => 1), link: 3, entsize: SIZEOF_SYM },
    { name: '.strtab', type: SHT_STRTAB, data: tableWith(encoder.encode('target')) },
  ];
  for (let i = 0; i < headers; i++)
    sections.push({
      name: '.rela.data',
      type: SHT_RELA,
      flags: SHF_INFO_LINK,
      data: i === 0 ? rela : { sameAs: 3 },
      link: 2,
      info: 1,
      entsize: SIZEOF_RELA,
    });
  return buildElf(sections);
}

/** A .modinfo of `entries` short entries, or of one entry `valueLength` long. */
export function bigModinfo(entries: number, valueLength = 1): Uint8Array {
  const one = encoder.encode(`k=${'v'.repeat(valueLength)}\0`);
  const data = new Uint8Array(one.length * entries);
  for (let i = 0; i < entries; i++) data.set(one, i * one.length);
  return buildElf([{ name: '.modinfo', type: SHT_PROGBITS, flags: SHF_ALLOC, data }]);
}

/** Names a terminal or a bidi-aware display would misread (issue #16: terminal injection). */
export const HOSTILE_NAMES = [
  'hostile\n\x1b[1A\x1b[2Kinsmod: hostile.ko loaded OK',
  '\u202eatad.evil',
  'bell\x07del\x7fc1\x9bend',
  'iso\u2066late\u2069',
];

/** Sections and symbols named with HOSTILE_NAMES. */
export function hostileNames(): Uint8Array {
  const strtab = encoder.encode(`\0${HOSTILE_NAMES.join('\0')}\0`);
  let at = 1;
  const offsets = HOSTILE_NAMES.map((n) => {
    const o = at;
    at += encoder.encode(n).length + 1;
    return o;
  });
  return buildElf([
    ...HOSTILE_NAMES.map((name) => ({ name, type: SHT_PROGBITS, flags: SHF_ALLOC, data: new Uint8Array(8) })),
    {
      name: '.symtab',
      type: SHT_SYMTAB,
      data: symtab(offsets.length, (i) => offsets[i]!),
      link: HOSTILE_NAMES.length + 2,
    },
    { name: '.strtab', type: SHT_STRTAB, data: strtab },
  ]);
}

/** A NOBITS section claiming `size` bytes (a .bss of a terabyte costs nothing in the file). */
export function hugeNobits(size: bigint): Uint8Array {
  return buildElf([{ name: '.bss', type: SHT_NOBITS, flags: SHF_ALLOC | 1n, size }]);
}

export interface Graft {
  /** Sections added after the base's; `sameAs` counts from the first added one. */
  sections?: CraftSection[];
  /** Global symbols added at the end of .symtab, defined at offset 0 of the base's first SHF_EXECINSTR section. */
  symbols?: { count: number; names: Uint8Array; nameOffset(i: number): number };
}

/**
 * A real module (its signature dropped) with sections and symbols added: it still passes what the
 * loader checks before them (.modinfo, .gnu.linkonce.this_module, vermagic), so the crafted part
 * reaches layout, relocation and kallsyms as in a module the kernel would load.
 */
export function graft(signedBase: Uint8Array, extra: Graft): Uint8Array {
  const base = stripSignature(signedBase);
  const elf = parseElfObject(base, 'base.ko');
  const symtab = elf.sections[elf.symtabIndex]!;
  const strtabIndex = symtab.link;
  const text = elf.sections.find((x) => x.index > 0 && (x.flags & 4n) !== 0n)?.index ?? 0;
  const n = elf.sections.length - 1;
  const sections: CraftSection[] = elf.sections.slice(1).map((x) => ({
    name: x.name,
    type: x.type,
    flags: x.flags,
    data: x.type === SHT_NOBITS ? undefined : sectionBytes(base, x).slice(),
    size: x.type === SHT_NOBITS ? x.size : undefined,
    link: x.link,
    info: x.info,
    entsize: Number(x.entsize),
    addralign: Number(x.addralign),
  })) as CraftSection[];
  const syms = extra.symbols;
  if (syms) {
    const oldStr = sections[strtabIndex - 1]!.data as Uint8Array;
    const oldSym = sections[elf.symtabIndex - 1]!.data as Uint8Array;
    const added = new Uint8Array(syms.count * SIZEOF_SYM);
    const dv = new DataView(added.buffer);
    for (let i = 0; i < syms.count; i++) {
      dv.setUint32(i * SIZEOF_SYM, oldStr.length + syms.nameOffset(i), true);
      added[i * SIZEOF_SYM + 4] = 0x10; // STB_GLOBAL, STT_NOTYPE
      dv.setUint16(i * SIZEOF_SYM + 6, text, true);
    }
    sections[elf.symtabIndex - 1]!.data = joinBytes(oldSym, added);
    sections[strtabIndex - 1]!.data = joinBytes(oldStr, syms.names);
  }
  for (const x of extra.sections ?? []) {
    const d = x.data;
    sections.push(d && 'sameAs' in d ? { ...x, data: { sameAs: d.sameAs + n } } : x);
  }
  return buildElf(sections.map((x) => (x.size === undefined ? withoutSize(x) : x)));
}

function withoutSize(x: CraftSection): CraftSection {
  const { size: _, ...rest } = x;
  return rest;
}

function joinBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** `count` relocations of `type` against symbol `sym`, each at `offset(i)`. */
export function relaTable(count: number, type: number, sym: number, offset: (i: number) => number): Uint8Array {
  const rela = new Uint8Array(count * SIZEOF_RELA);
  const dv = new DataView(rela.buffer);
  for (let i = 0; i < count; i++) {
    dv.setBigUint64(i * SIZEOF_RELA, BigInt(offset(i)), true);
    dv.setUint32(i * SIZEOF_RELA + 8, type, true);
    dv.setUint32(i * SIZEOF_RELA + 12, sym, true);
  }
  return rela;
}

/** graft() where `info: -1` means "the first added section" and SHT_RELA links the base's .symtab. */
function graftWithLinks(base: Uint8Array, sections: CraftSection[]): Uint8Array {
  const elf = parseElfObject(stripSignature(base), 'base.ko');
  const first = elf.sections.length;
  return graft(base, {
    sections: sections.map((x) =>
      x.type === SHT_RELA ? { ...x, info: x.info === -1 ? first : (x.info ?? 0), link: elf.symtabIndex } : x,
    ),
  });
}

export interface CraftedInput {
  name: string;
  /** What it exercises, for the benchmark table. */
  what: string;
  bytes(): Uint8Array;
}

/** The crafted inputs of issue #16 §3 at full size (bench/crafted.ts), and smaller for the fuzz suite. */
export function craftedInputs(scale: 'full' | 'small', base?: Uint8Array): CraftedInput[] {
  const f = scale === 'full';
  const onBase: CraftedInput[] = base
    ? [
        {
          name: 'base-shared-rela.ko',
          what: `a real module + ${f ? '1,000' : '100'} SHT_RELA headers over one ${f ? '100k' : '10k'}-entry table`,
          bytes: () => {
            const rela = relaTable(f ? 100_000 : 10_000, 1, 1, (i) => (i * 8) % 4096);
            const sections: CraftSection[] = [
              { name: '.data.crafted', type: SHT_PROGBITS, flags: SHF_ALLOC | 1n, data: new Uint8Array(4096) },
            ];
            for (let i = 0; i < (f ? 1000 : 100); i++)
              sections.push({
                name: '.rela.data.crafted',
                type: SHT_RELA,
                flags: SHF_INFO_LINK,
                data: i === 0 ? rela : { sameAs: 1 },
                info: -1,
                entsize: SIZEOF_RELA,
              });
            return graftWithLinks(base, sections);
          },
        },
        {
          name: 'base-long-names.ko',
          what: `a real module + ${f ? '1,000' : '100'} global symbols naming one ${f ? '1 MB' : '100 KB'} string`,
          bytes: () => {
            const len = f ? 2 ** 20 : 100_000;
            const names = new Uint8Array(len + 1).fill(0x61);
            names[len] = 0;
            return graft(base, { symbols: { count: f ? 1000 : 100, names, nameOffset: () => 0 } });
          },
        },
        {
          name: 'base-none-relocs.ko.gz',
          what: `a real module + ${f ? '1M' : '100k'} R_X86_64_NONE relocations on one byte (compressed)`,
          bytes: () => {
            const rela = relaTable(f ? 1_000_000 : 100_000, 0, 0, () => 0);
            const sections: CraftSection[] = [
              { name: '.data.crafted', type: SHT_PROGBITS, flags: SHF_ALLOC | 1n, data: new Uint8Array(8) },
              {
                name: '.rela.data.crafted',
                type: SHT_RELA,
                flags: SHF_INFO_LINK,
                data: rela,
                info: -1,
                entsize: SIZEOF_RELA,
              },
            ];
            return gzipSync(graftWithLinks(base, sections));
          },
        },
      ]
    : [];
  return [
    ...onBase,
    {
      name: f ? 'zstd-bomb-3g.ko.zst' : 'zstd-bomb.ko.zst',
      what: f ? 'a 100 KB .ko.zst expanding to 3 GB' : 'a .ko.zst expanding 32,000:1',
      bytes: () => zstdBomb(f ? 3 * 2 ** 30 : 2 ** 24),
    },
    {
      name: f ? 'gzip-bomb-1g.ko.gz' : 'gzip-bomb.ko.gz',
      what: f ? 'a 1 MB .ko.gz expanding to 1 GiB' : 'a .ko.gz expanding 1000:1',
      bytes: () => gzipSync(new Uint8Array(f ? 2 ** 30 : 2 ** 22), { level: 1 }),
    },
    {
      name: 'shared-rela.ko',
      what: `${f ? '1,000' : '100'} SHT_RELA headers over one ${f ? '100k' : '10k'}-entry table`,
      bytes: () => sharedRelocationTable(f ? 1000 : 100, f ? 100_000 : 10_000),
    },
    {
      name: 'shared-symbol-name.ko',
      what: `${f ? '20,000' : '2,000'} symbols naming one ${f ? '1 MB' : '100 KB'} string`,
      bytes: () => sharedLongNames(f ? 20_000 : 2_000, f ? 2 ** 20 : 100_000),
    },
    {
      name: 'distinct-offsets-name.ko',
      what: `${f ? '20,000' : '2,000'} symbols at 20,000 offsets into one ${f ? '1 MB' : '100 KB'} string`,
      bytes: () => sharedLongNames(f ? 20_000 : 2_000, f ? 2 ** 20 : 100_000, true),
    },
    {
      name: 'shared-section-name.ko',
      what: `${f ? '65,000' : '6,500'} section headers naming one ${f ? '64 KB' : '6 KB'} string`,
      bytes: () => sharedSectionNames(f ? 65_000 : 6_500, f ? 65_536 : 6_000),
    },
    {
      name: f ? 'modinfo-1m.ko.gz' : 'modinfo-100k.ko.gz',
      what: `${f ? 'a million' : '100,000'} .modinfo entries (compressed)`,
      bytes: () => gzipSync(bigModinfo(f ? 1_000_000 : 100_000)),
    },
    {
      name: 'modinfo-16m.ko',
      what: `one ${f ? '16 MB' : '1 MB'} .modinfo entry`,
      bytes: () => bigModinfo(1, f ? 2 ** 24 : 2 ** 20),
    },
    { name: 'hostile-names.ko', what: 'control and bidi characters in names', bytes: hostileNames },
    { name: 'huge-nobits.ko', what: 'a 1 TiB .bss (SHT_NOBITS)', bytes: () => hugeNobits(2n ** 40n) },
  ];
}
