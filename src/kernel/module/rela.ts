// The Elf64_Rela entries of a section as the kernel reads them: whatever its sh_type, a section
// the loader hands to apply_relocate_add() is an array of Elf64_Rela.
import { readRelocationSection } from '../../elf/relocations.ts';
import type { ElfRelocationSection } from '../../elf/types.ts';
import type { LoadInfo } from './types.ts';

const cache = new WeakMap<LoadInfo['elf'], Map<number, ElfRelocationSection>>();

export function relaSection(info: LoadInfo, relsec: number): ElfRelocationSection {
  const known = info.elf.relocations.find((r) => r.sectionIndex === relsec && r.rela);
  if (known) return known;
  let m = cache.get(info.elf);
  if (!m) cache.set(info.elf, (m = new Map()));
  let r = m.get(relsec);
  if (!r) m.set(relsec, (r = readRelocationSection(info.bytes, info.elf.sections[relsec]!, true)));
  return r;
}
