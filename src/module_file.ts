// Entry point of the core for one user file: decompress (as kernel/module/decompress.c would
// for a .ko.xz/.ko.zst/.ko.gz), check it as elf_validity_check() does, decode it.
import type { ElfObject } from './elf/types.ts';
import type { LoadError } from './kernel/load_error.ts';

export type Compression = 'none' | 'gzip' | 'xz' | 'zstd';

export interface OpenedModule {
  elf: ElfObject;
  compression: Compression;
  /** Size of the file as given, before decompression. */
  compressedSize: number;
}

export type OpenResult = { ok: true; module: OpenedModule } | { ok: false; error: LoadError };

/** Never throws: every refusal is a LoadError carrying the kernel's message. */
export declare function openModule(bytes: Uint8Array, fileName: string): Promise<OpenResult>;
