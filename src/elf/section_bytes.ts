import { SHT_NOBITS } from './constants.ts';
import type { ElfSection } from './types.ts';

/**
 * The file bytes of a section (a view, not a copy). SHT_NOBITS has none. Sizes were bounded
 * against the file by elf_validity_check(); clamp anyway so a table read never runs past the end.
 */
export function sectionBytes(bytes: Uint8Array, section: ElfSection): Uint8Array {
  if (section.type === SHT_NOBITS) return new Uint8Array(0);
  const start = Math.min(Number(section.offset), bytes.length);
  const end = Math.min(start + Number(section.size), bytes.length);
  return bytes.subarray(start, end);
}
