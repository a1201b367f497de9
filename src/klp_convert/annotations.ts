// KLP_MODULE_RELOC annotations, as in the klp-convert series (never merged upstream): a patch
// says which same-named symbol it means with an array in `.klp.module_relocs.<object>` of
//   struct klp_module_reloc { void *sym; unsigned int sympos; } __packed;
// where each `sym` carries a relocation naming the undefined symbol.

import { sectionBytes } from '../elf/section_bytes.ts';
import type { ElfObject } from '../elf/types.ts';

const ANNOTATION_PREFIX = '.klp.module_relocs.';
const SIZEOF_KLP_MODULE_RELOC = 12;

export interface Annotation {
  symbolIndex: number;
  object: string;
  sympos: number;
}

export function readAnnotations(bytes: Uint8Array, elf: ElfObject): { annotations: Annotation[]; sections: number[] } {
  const annotations: Annotation[] = [];
  const sections: number[] = [];
  for (const sec of elf.sections) {
    if (!sec.name.startsWith(ANNOTATION_PREFIX)) continue;
    const object = sec.name.slice(ANNOTATION_PREFIX.length);
    const data = sectionBytes(bytes, sec);
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    sections.push(sec.index);
    for (const rela of elf.relocations.filter((r) => r.targetSection === sec.index)) {
      sections.push(rela.sectionIndex);
      for (let i = 0; i < rela.count; i++) {
        const at = Number(rela.offsets[i]!);
        if (at % SIZEOF_KLP_MODULE_RELOC !== 0 || at + SIZEOF_KLP_MODULE_RELOC > data.length) continue;
        annotations.push({ symbolIndex: rela.symbols[i]!, object, sympos: dv.getUint32(at + 8, true) });
      }
    }
  }
  return { annotations, sections };
}
