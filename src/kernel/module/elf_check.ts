// elf_validity_check() of kernel/module/main.c, Linux 6.1.192 (Debian), lines 1669-1797:
// the first look the loader takes at a module, after the signature is stripped. Same checks,
// same order, same messages; every refusal is -ENOEXEC.

import {
  EM_X86_64,
  ET_REL,
  SHF_ALLOC,
  SHN_UNDEF,
  SHT_NOBITS,
  SHT_NULL,
  SHT_SYMTAB,
  SIZEOF_EHDR,
  SIZEOF_SHDR,
} from '../../elf/constants.ts';
import { ENOEXEC } from '../errno.ts';
import { U64_MAX } from '../limits.ts';
import { type LoadError, loadError } from '../load_error.ts';

const refuse = (message: string): LoadError => loadError(ENOEXEC, 'elf_validity_check', message);

// printk's %d of a u32 field
const asInt = (v: number) => v | 0;

/** validate_section_offset(): sh_offset + sh_size must neither wrap nor pass the end. */
function validateSectionOffset(len: number, offset: bigint, size: bigint): boolean {
  const secend = (offset + size) & U64_MAX;
  return !(secend < offset || secend > BigInt(len));
}

/**
 * Returns null when the kernel would go on to setup_load_info(), else the refusal.
 * `len` is info->len: the file length minus any module signature (module_sig_check()).
 */
export function elf_validity_check(bytes: Uint8Array, len: number = bytes.length): LoadError | null {
  // The kernel reads the header in place; so do we, as little-endian Elf64 whatever
  // e_ident[EI_CLASS] claims: x86-64's elf_check_arch() looks at e_machine only.
  if (len < SIZEOF_EHDR) return refuse(`Invalid ELF header len ${len}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, len);

  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46)
    return refuse('Invalid ELF header magic: != \x7fELF');

  const e_type = dv.getUint16(16, true);
  if (e_type !== ET_REL) return refuse(`Invalid ELF header type: ${e_type} != ${ET_REL}`);

  const e_machine = dv.getUint16(18, true);
  if (e_machine !== EM_X86_64) return refuse(`Invalid architecture in ELF header: ${e_machine}`);

  if (dv.getUint16(58, true) !== SIZEOF_SHDR) return refuse('Invalid ELF section header size');

  const e_shoff = dv.getBigUint64(40, true);
  const e_shnum = dv.getUint16(60, true);
  if (e_shoff >= BigInt(len) || e_shnum * SIZEOF_SHDR > len - Number(e_shoff))
    return refuse('Invalid ELF section header overflow');

  const shoff = Number(e_shoff);
  const e_shstrndx = dv.getUint16(62, true);
  if (e_shstrndx === SHN_UNDEF || e_shstrndx >= e_shnum)
    return refuse(
      `Invalid ELF section name index: ${e_shstrndx} || e_shstrndx (${e_shstrndx}) >= e_shnum (${e_shnum})`,
    );

  const sh = (i: number) => shoff + i * SIZEOF_SHDR;
  const shName = (i: number) => dv.getUint32(sh(i), true);
  const shType = (i: number) => dv.getUint32(sh(i) + 4, true);
  const shFlags = (i: number) => dv.getBigUint64(sh(i) + 8, true);
  const shAddr = (i: number) => dv.getBigUint64(sh(i) + 16, true);
  const shOffset = (i: number) => dv.getBigUint64(sh(i) + 24, true);
  const shSize = (i: number) => dv.getBigUint64(sh(i) + 32, true);
  const shLink = (i: number) => dv.getUint32(sh(i) + 40, true);

  const str = e_shstrndx;
  if (!validateSectionOffset(len, shOffset(str), shSize(str)))
    return refuse(`Invalid ELF section hdr(type ${shType(str)})`);

  const strSize = shSize(str);
  if (strSize === 0n) return refuse('empty section name table');
  if (bytes[Number(shOffset(str) + strSize - 1n)] !== 0)
    return refuse("ELF Spec violation: section name table isn't null terminated");

  if (shType(0) !== SHT_NULL || shSize(0) !== 0n || shAddr(0) !== 0n)
    return refuse(`ELF Spec violation: section 0 type(${asInt(shType(0))})!=SH_NULL or non-zero len or addr`);

  for (let i = 1; i < e_shnum; i++) {
    const type = shType(i);
    if (type === SHT_NULL || type === SHT_NOBITS) continue;
    if (type === SHT_SYMTAB) {
      const link = shLink(i);
      if (link === SHN_UNDEF || link >= e_shnum)
        return refuse(
          `Invalid ELF sh_link!=SHN_UNDEF(${asInt(link)}) or (sh_link(${asInt(link)}) >= hdr->e_shnum(${e_shnum})`,
        );
    }
    if (!validateSectionOffset(len, shOffset(i), shSize(i)))
      return refuse(`Invalid ELF section in module (section ${i} type ${type})`);
    if ((shFlags(i) & SHF_ALLOC) !== 0n && BigInt(shName(i)) >= strSize)
      return refuse(`Invalid ELF section name in module (section ${i} type ${type})`);
  }
  return null;
}

/**
 * elf_header_check() of kernel/module.c (v5.4): the first six of 6.1's checks, and silent —
 * -ENOEXEC with nothing in the log. Section contents are checked later, by
 * rewrite_section_headers() ("Module len %lu truncated").
 */
export function elf_header_check(bytes: Uint8Array, len: number = bytes.length): LoadError | null {
  const silent = loadError(ENOEXEC, 'elf_header_check', '');
  if (len < SIZEOF_EHDR) return silent;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, len);
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) return silent;
  if (dv.getUint16(16, true) !== ET_REL || dv.getUint16(18, true) !== EM_X86_64) return silent;
  if (dv.getUint16(58, true) !== SIZEOF_SHDR) return silent;
  const e_shoff = dv.getBigUint64(40, true);
  if (e_shoff >= BigInt(len) || dv.getUint16(60, true) * SIZEOF_SHDR > len - Number(e_shoff)) return silent;
  return null;
}
