// SHT_RELA and SHT_REL sections, entries counted as apply_relocate_add() counts them
// (sh_size / sizeof(Elf64_Rela)), stored column-wise.
import { SHF_RELA_LIVEPATCH, SHT_RELA, SIZEOF_REL, SIZEOF_RELA } from './constants.ts';
import { parseKlpRelaName } from './klp_names.ts';
import { sectionBytes } from './section_bytes.ts';
import type { ElfRelocationSection, ElfSection } from './types.ts';

export function readRelocationSection(
  bytes: Uint8Array,
  section: ElfSection,
  asRela = section.type === SHT_RELA,
): ElfRelocationSection {
  const rela = asRela;
  const entSize = rela ? SIZEOF_RELA : SIZEOF_REL;
  const data = sectionBytes(bytes, section);
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const count = Math.floor(data.length / entSize);
  const offsets = new BigUint64Array(count);
  const symbols = new Uint32Array(count);
  const types = new Uint32Array(count);
  const addends = new BigInt64Array(count);
  for (let i = 0, p = 0; i < count; i++, p += entSize) {
    offsets[i] = dv.getBigUint64(p, true);
    types[i] = dv.getUint32(p + 8, true); // ELF64_R_TYPE(r_info) = low 32 bits
    symbols[i] = dv.getUint32(p + 12, true); // ELF64_R_SYM(r_info) = high 32 bits
    if (rela) addends[i] = dv.getBigInt64(p + 16, true);
  }
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
