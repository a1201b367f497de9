// The decoded form of one ELF64 relocatable object (a kernel module).
//
// Field widths follow include/uapi/linux/elf.h: every Elf64_Addr / Elf64_Off / Elf64_Xword /
// Elf64_Sxword is a `bigint`, every Elf64_Word / Elf64_Half a `number`, so nothing a hostile
// file says is rounded away. The object is plain data: it survives structuredClone and
// postMessage (bigint and typed arrays included), so the worker can hand it to the UI.

/** e_ident and the rest of Elf64_Ehdr. */
export interface ElfHeader {
  /** EI_CLASS: 1 = ELFCLASS32, 2 = ELFCLASS64. */
  class: number;
  /** EI_DATA: 1 = little endian, 2 = big endian. */
  data: number;
  /** EI_VERSION. */
  identVersion: number;
  /** EI_OSABI. */
  osabi: number;
  /** EI_ABIVERSION. */
  abiVersion: number;
  /** e_type: 1 = ET_REL. */
  type: number;
  /** e_machine: 62 = EM_X86_64. */
  machine: number;
  version: number;
  entry: bigint;
  phoff: bigint;
  shoff: bigint;
  flags: number;
  ehsize: number;
  phentsize: number;
  phnum: number;
  shentsize: number;
  shnum: number;
  shstrndx: number;
}

/** Elf64_Shdr plus its index and resolved name. */
export interface ElfSection {
  index: number;
  /** sh_name resolved in the section name table. */
  name: string;
  /** sh_name as stored. */
  nameOffset: number;
  type: number;
  flags: bigint;
  addr: bigint;
  offset: bigint;
  size: bigint;
  link: number;
  info: number;
  addralign: bigint;
  entsize: bigint;
}

/** Elf64_Sym plus its index and resolved name. */
export interface ElfSymbol {
  index: number;
  name: string;
  nameOffset: number;
  /** st_info >> 4: STB_LOCAL 0, STB_GLOBAL 1, STB_WEAK 2. */
  bind: number;
  /** st_info & 0xf: STT_NOTYPE 0, OBJECT 1, FUNC 2, SECTION 3, FILE 4 … */
  type: number;
  /** st_other & 3: STV_DEFAULT 0, INTERNAL 1, HIDDEN 2, PROTECTED 3. */
  visibility: number;
  other: number;
  /** st_shndx: a section index or SHN_UNDEF / SHN_ABS / SHN_COMMON / SHN_LIVEPATCH … */
  shndx: number;
  value: bigint;
  size: bigint;
  /** Set when the name follows `.klp.sym.<obj>.<name>,<sympos>`. */
  klp?: KlpSymbolName;
}

/** One relocation section, entries stored column-wise so 300k of them stay cheap to move. */
export interface ElfRelocationSection {
  /** Index of the SHT_RELA / SHT_REL section itself. */
  sectionIndex: number;
  name: string;
  /** true for SHT_RELA (explicit addend), false for SHT_REL. */
  rela: boolean;
  /** sh_info: the section the entries patch. */
  targetSection: number;
  /** sh_link: the symbol table the entries index. */
  symtabSection: number;
  count: number;
  /** r_offset of each entry. */
  offsets: BigUint64Array;
  /** ELF64_R_SYM(r_info). */
  symbols: Uint32Array;
  /** ELF64_R_TYPE(r_info). */
  types: Uint32Array;
  /** r_addend (0 for SHT_REL). */
  addends: BigInt64Array;
  /** Set for `.klp.rela.<obj>.<section>` names. */
  klp?: KlpRelaName;
}

/** `.klp.sym.<objname>.<symname>,<sympos>` (Documentation/livepatch/module-elf-format.rst). */
export interface KlpSymbolName {
  object: string;
  symbol: string;
  /** The `%lu` as the kernel holds it: the digits modulo 2^64 (exact below 2^53). */
  sympos: number;
  /** That unsigned long in decimal, exactly as printk's %lu prints it. */
  symposText: string;
}

/** `.klp.rela.<objname>.<section>` — `section` keeps its own leading dot, e.g. ".text". */
export interface KlpRelaName {
  object: string;
  section: string;
}

/** `.klp.arch.<objname>.<section>` (5.4–5.7, x86: alternatives/paravirt per object). */
export interface KlpArchName {
  object: string;
  section: string;
}

export interface ModinfoEntry {
  key: string;
  value: string;
}

/** The PKCS#7 signature that scripts/sign-file appends after the ELF data. */
export interface ModuleSignature {
  /** Offset of the signature blob in the file = length of the ELF data the kernel checks. */
  elfLength: number;
  /** Length of the PKCS#7 blob (struct module_signature.sig_len). */
  sigLength: number;
  /** struct module_signature.id_type: 2 = PKEY_ID_PKCS7. */
  idType: number;
  /** Issuer common name of the first SignerInfo, as `modinfo` prints "signer". */
  signer?: string;
  /** Serial number of the signing certificate, hex with colons, as `modinfo` prints "sig_key". */
  keyId?: string;
  /** Digest algorithm name, e.g. "sha256" (`modinfo` "sig_hashalgo"). */
  hashAlgorithm?: string | undefined;
  /** Signature algorithm, e.g. "rsaEncryption". */
  signatureAlgorithm?: string | undefined;
  /**
   * Checked against the key built into the emulated kernel (src/kernel/module/system_keyring.ts):
   * 'good' as the kernel's sig_ok, 'no key' (ENOKEY: it loads unverified), 'unchecked' when klp-lab
   * could not check it. Absent: not checked (a module decoded without the asynchronous check).
   */
  verification?: 'good' | 'no key' | 'unchecked';
}

export interface ElfObject {
  fileName: string;
  /** Bytes given to the parser (after decompression). */
  fileSize: number;
  header: ElfHeader;
  sections: ElfSection[];
  /** Entries of the SHT_SYMTAB section, index 0 (the null symbol) included; empty if none. */
  symbols: ElfSymbol[];
  /** Index of the SHT_SYMTAB section, or 0. */
  symtabIndex: number;
  relocations: ElfRelocationSection[];
  /** `.modinfo` key=value strings, in file order. */
  modinfo: ModinfoEntry[];
  /** `.klp.arch.<obj>.<section>` sections by index. */
  klpArch: Array<{ sectionIndex: number } & KlpArchName>;
  /** `livepatch=Y` in `.modinfo`. */
  isLivepatch: boolean;
  signature?: ModuleSignature;
}
