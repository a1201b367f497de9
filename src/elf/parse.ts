// One validated module's bytes → ElfObject. Call elf_validity_check() first: this decoder
// trusts what that check guarantees (header and section table inside the file, every
// non-NOBITS section inside info->len) and bounds everything else itself.
import { SHT_REL, SHT_RELA, SHT_SYMTAB } from './constants.ts';
import { readHeaderAndSections } from './elfy_adapter.ts';
import { parseKlpArchName } from './klp_names.ts';
import { getModinfo, readModinfo } from './modinfo.ts';
import { type RelocationColumnCache, readRelocationSection } from './relocations.ts';
import { sectionBytes } from './section_bytes.ts';
import { readSymbols } from './symbols.ts';
import type { ElfObject, ModuleSignature } from './types.ts';

export function parseElfObject(bytes: Uint8Array, fileName: string, signature?: ModuleSignature): ElfObject {
  const { header, sections } = readHeaderAndSections(bytes);
  const symtab = sections.find((s) => s.index > 0 && s.type === SHT_SYMTAB);
  const modinfoSection = sections.find((s) => s.name === '.modinfo');
  const shared: RelocationColumnCache = new Map();
  const modinfo = modinfoSection ? readModinfo(sectionBytes(bytes, modinfoSection)) : [];

  const elf: ElfObject = {
    fileName,
    fileSize: bytes.length,
    header,
    sections,
    symbols: symtab ? readSymbols(bytes, sections, symtab) : [],
    symtabIndex: symtab?.index ?? 0,
    relocations: sections
      .filter((s) => s.type === SHT_RELA || s.type === SHT_REL)
      .map((s) => readRelocationSection(bytes, s, s.type === SHT_RELA, shared)),
    modinfo,
    klpArch: sections.flatMap((s) => {
      const arch = parseKlpArchName(s.name);
      return arch ? [{ sectionIndex: s.index, ...arch }] : [];
    }),
    isLivepatch: getModinfo(modinfo, 'livepatch') !== undefined,
  };
  if (signature) elf.signature = signature;
  return elf;
}
