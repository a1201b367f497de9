// SHT_RELA and SHT_REL sections, entries counted as apply_relocate_add() counts them
// (sh_size / sizeof(Elf64_Rela)), stored column-wise. Sections whose headers point at the same
// bytes (same sh_offset, sh_size and entry kind) share one set of columns: read once, never
// copied per header, so 1,000 headers over one 100k-entry table cost one table. The columns are
// read-only by contract, as the kernel never writes to a relocation section it applies.
import { SHF_RELA_LIVEPATCH, SHT_RELA, SIZEOF_REL, SIZEOF_RELA } from './constants.ts';
import { parseKlpRelaName } from './klp_names.ts';
import { sectionBytes } from './section_bytes.ts';
import type { ElfRelocationSection, ElfSection } from './types.ts';

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

type Columns = Pick<ElfRelocationSection, 'count' | 'offsets' | 'symbols' | 'types' | 'addends'>;

/** Columns already read from one file, by where their bytes are: one per parse of that file. */
export type RelocationColumnCache = Map<string, Columns>;

function readColumns(bytes: Uint8Array, section: ElfSection, rela: boolean, cache?: RelocationColumnCache): Columns {
  const data = sectionBytes(bytes, section);
  const key = `${data.byteOffset}:${data.length}:${rela}`;
  const known = cache?.get(key);
  if (known) return known;
  const entSize = rela ? SIZEOF_RELA : SIZEOF_REL;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const count = Math.floor(data.length / entSize);
  const offsets = new BigUint64Array(count);
  const symbols = new Uint32Array(count);
  const types = new Uint32Array(count);
  const addends = new BigInt64Array(count);
  if (LITTLE_ENDIAN) {
    // the 64-bit fields as their 32-bit halves: no BigInt per entry (amdgpu.ko has 320k)
    const off32 = new Uint32Array(offsets.buffer);
    const add32 = new Uint32Array(addends.buffer);
    for (let i = 0, p = 0; i < count; i++, p += entSize) {
      off32[2 * i] = dv.getUint32(p, true);
      off32[2 * i + 1] = dv.getUint32(p + 4, true);
      types[i] = dv.getUint32(p + 8, true);
      symbols[i] = dv.getUint32(p + 12, true);
      if (rela) {
        add32[2 * i] = dv.getUint32(p + 16, true);
        add32[2 * i + 1] = dv.getUint32(p + 20, true);
      }
    }
  } else
    for (let i = 0, p = 0; i < count; i++, p += entSize) {
      offsets[i] = dv.getBigUint64(p, true);
      types[i] = dv.getUint32(p + 8, true); // ELF64_R_TYPE(r_info) = low 32 bits
      symbols[i] = dv.getUint32(p + 12, true); // ELF64_R_SYM(r_info) = high 32 bits
      if (rela) addends[i] = dv.getBigInt64(p + 16, true);
    }
  const columns = { count, offsets, symbols, types, addends };
  cache?.set(key, columns);
  return columns;
}

export function readRelocationSection(
  bytes: Uint8Array,
  section: ElfSection,
  asRela = section.type === SHT_RELA,
  cache?: RelocationColumnCache,
): ElfRelocationSection {
  const rela = asRela;
  const { count, offsets, symbols, types, addends } = readColumns(bytes, section, rela, cache);
  const out: ElfRelocationSection = {
    sectionIndex: section.index,
    name: section.name,
    rela,
    targetSection: section.info,
    symtabSection: section.link,
    count,
    offsets,
    symbols,
    types,
    addends,
  };
  const klp = (section.flags & SHF_RELA_LIVEPATCH) !== 0n ? parseKlpRelaName(section.name) : undefined;
  if (klp) out.klp = klp;
  return out;
}
