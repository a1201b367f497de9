// ELF constants used by the kernel's module loader (include/uapi/linux/elf.h, 6.1) and by
// binutils' readelf for the same values, which is how users know them.

export const EI_NIDENT = 16;
export const ELFMAG = '\x7fELF';
export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const ET_REL = 1;
export const EM_X86_64 = 62;

export const SIZEOF_EHDR = 64; // sizeof(Elf64_Ehdr)
export const SIZEOF_SHDR = 64; // sizeof(Elf64_Shdr)
export const SIZEOF_SYM = 24; // sizeof(Elf64_Sym)
export const SIZEOF_RELA = 24; // sizeof(Elf64_Rela)
export const SIZEOF_REL = 16; // sizeof(Elf64_Rel)

// sh_type
export const SHT_NULL = 0;
export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_RELA = 4;
export const SHT_HASH = 5;
export const SHT_DYNAMIC = 6;
export const SHT_NOTE = 7;
export const SHT_NOBITS = 8;
export const SHT_REL = 9;
export const SHT_SHLIB = 10;
export const SHT_DYNSYM = 11;
export const SHT_INIT_ARRAY = 14;
export const SHT_FINI_ARRAY = 15;
export const SHT_PREINIT_ARRAY = 16;
export const SHT_GROUP = 17;
export const SHT_SYMTAB_SHNDX = 18;
export const SHT_RELR = 19;
export const SHT_X86_64_UNWIND = 0x70000001;

// sh_flags (bigint: Elf64_Xword)
export const SHF_WRITE = 0x1n;
export const SHF_ALLOC = 0x2n;
export const SHF_EXECINSTR = 0x4n;
export const SHF_MERGE = 0x10n;
export const SHF_STRINGS = 0x20n;
export const SHF_INFO_LINK = 0x40n;
export const SHF_LINK_ORDER = 0x80n;
export const SHF_OS_NONCONFORMING = 0x100n;
export const SHF_GROUP = 0x200n;
export const SHF_TLS = 0x400n;
export const SHF_COMPRESSED = 0x800n;
/** Kernel-defined: relocation section applied by livepatch, not by the loader. */
export const SHF_RELA_LIVEPATCH = 0x00100000n;
/** Kernel-defined: section becomes read-only after init (same bit as binutils' SHF_GNU_RETAIN). */
export const SHF_RO_AFTER_INIT = 0x00200000n;
export const SHF_GNU_MBIND = 0x01000000n;
export const SHF_X86_64_LARGE = 0x10000000n;
export const SHF_MASKOS = 0x0ff00000n;
export const SHF_MASKPROC = 0xf0000000n;
export const SHF_EXCLUDE = 0x80000000n;

// special section indices
export const SHN_UNDEF = 0;
export const SHN_LORESERVE = 0xff00;
export const SHN_LOPROC = 0xff00;
export const SHN_X86_64_LCOMMON = 0xff02;
export const SHN_HIPROC = 0xff1f;
export const SHN_LOOS = 0xff20;
/** Kernel-defined: symbol resolved by livepatch (`.klp.sym.*`). */
export const SHN_LIVEPATCH = 0xff20;
export const SHN_HIOS = 0xff3f;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;
export const SHN_XINDEX = 0xffff;

// st_info
export const STB_LOCAL = 0;
export const STB_GLOBAL = 1;
export const STB_WEAK = 2;
export const STB_GNU_UNIQUE = 10;
export const STT_NOTYPE = 0;
export const STT_OBJECT = 1;
export const STT_FUNC = 2;
export const STT_SECTION = 3;
export const STT_FILE = 4;
export const STT_COMMON = 5;
export const STT_TLS = 6;
export const STT_GNU_IFUNC = 10;

// st_other
export const STV_DEFAULT = 0;
export const STV_INTERNAL = 1;
export const STV_HIDDEN = 2;
export const STV_PROTECTED = 3;

// The module signature trailer (include/linux/module_signature.h, scripts/sign-file.c).
export const MODULE_SIG_STRING = '~Module signature appended~\n';
export const SIZEOF_MODULE_SIGNATURE = 12;
export const PKEY_ID_PKCS7 = 2;

// x86-64 relocation types the module loader applies (arch/x86/kernel/module.c, elf.h).
export const R_X86_64_NONE = 0;
export const R_X86_64_64 = 1;
export const R_X86_64_PC32 = 2;
export const R_X86_64_PLT32 = 4;
export const R_X86_64_32 = 10;
export const R_X86_64_32S = 11;
export const R_X86_64_PC64 = 24;
