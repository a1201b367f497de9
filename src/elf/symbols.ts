// The symbol table (SHT_SYMTAB) as setup_load_info() finds it: the first SHT_SYMTAB section,
// its names in the section sh_link points at, extended indices from SHT_SYMTAB_SHNDX.
import { SHN_XINDEX, SHT_SYMTAB_SHNDX, SIZEOF_SYM } from './constants.ts';
import { parseKlpSymbolName } from './klp_names.ts';
import { sectionBytes } from './section_bytes.ts';
import { StringTable } from './strings.ts';
import type { ElfSection, ElfSymbol } from './types.ts';

export function readSymbols(bytes: Uint8Array, sections: ElfSection[], symtab: ElfSection): ElfSymbol[] {
  const data = sectionBytes(bytes, symtab);
  const strtab = sections[symtab.link];
  const names = new StringTable(strtab ? sectionBytes(bytes, strtab) : new Uint8Array(0));
  const xindexSection = sections.find((s) => s.type === SHT_SYMTAB_SHNDX && s.link === symtab.index);
  const xindex = xindexSection ? sectionBytes(bytes, xindexSection) : undefined;

  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const count = Math.floor(data.length / SIZEOF_SYM);
  const symbols: ElfSymbol[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const p = i * SIZEOF_SYM;
    const nameOffset = dv.getUint32(p, true);
    const info = data[p + 4]!;
    const other = data[p + 5]!;
    let shndx = dv.getUint16(p + 6, true);
    if (shndx === SHN_XINDEX && xindex && (i + 1) * 4 <= xindex.length)
      shndx = new DataView(xindex.buffer, xindex.byteOffset).getUint32(i * 4, true);
    const name = names.get(nameOffset);
    const sym: ElfSymbol = {
      index: i,
      name,
      nameOffset,
      bind: info >> 4,
      type: info & 0xf,
      visibility: other & 3,
      other,
      shndx,
      value: dv.getBigUint64(p + 8, true),
      size: dv.getBigUint64(p + 16, true),
    };
    const klp = parseKlpSymbolName(name);
    if (klp) sym.klp = klp;
    symbols[i] = sym;
  }
  return symbols;
}
