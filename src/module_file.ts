// Entry point of the core for one user file, in the order the kernel takes it:
// decompress (kmod / module_decompress), module_sig_check() strips the signature,
// elf_validity_check() refuses what the 6.1 loader refuses, then the ELF is decoded.
import { type Compression, decompressModule } from './decompress/index.ts';
import { parseElfObject } from './elf/parse.ts';
import type { ElfObject } from './elf/types.ts';
import { EINVAL, EKEYREJECTED } from './kernel/errno.ts';
import { type LoadError, loadError } from './kernel/load_error.ts';
import { elf_validity_check } from './kernel/module/elf_check.ts';
import { module_sig_check } from './kernel/module/signing.ts';
import { type RsaSha256Verify, verify_pkcs7_signature } from './kernel/module/system_keyring.ts';

export type { Compression };

export interface OpenedModule {
  elf: ElfObject;
  compression: Compression;
  /** Size of the file as given, before decompression. */
  compressedSize: number;
  /** Messages the kernel printed on the way without refusing (e.g. about the signature). */
  messages: string[];
}

export type OpenResult = { ok: true; module: OpenedModule } | { ok: false; error: LoadError };

/** Never throws: every refusal is a LoadError carrying the kernel's message. */
export async function openModule(file: Uint8Array, fileName: string): Promise<OpenResult> {
  const r = await decodeModule(file, fileName);
  return r.ok ? { ok: true, module: r.module } : r;
}

/** openModule(), also handing back the plain ELF bytes (what load_module() is given). */
export async function decodeModule(
  file: Uint8Array,
  fileName: string,
  rsaVerify?: RsaSha256Verify,
): Promise<{ ok: true; module: OpenedModule; bytes: Uint8Array } | { ok: false; error: LoadError }> {
  try {
    const decompressed = await decompressModule(file);
    if (!decompressed.ok) return decompressed;
    const bytes = decompressed.bytes;

    const sig = module_sig_check(bytes);
    if ('kind' in sig) return { ok: false, error: sig };
    if (sig.signature) {
      const s = sig.signature;
      const v = await verify_pkcs7_signature(
        bytes.subarray(0, s.elfLength),
        bytes.subarray(s.elfLength, s.elfLength + s.sigLength),
        rsaVerify,
      );
      // A signature the kernel's own key rejects is fatal, enforced or not (module_sig_check()).
      if (v === 'bad') return { ok: false, error: loadError(EKEYREJECTED, 'verify_pkcs7_signature', '') };
      s.verification = v;
    }

    const invalid = elf_validity_check(bytes, sig.len);
    if (invalid) return { ok: false, error: invalid };

    const elf = parseElfObject(bytes, fileName, sig.signature);
    return {
      ok: true,
      module: { elf, compression: decompressed.compression, compressedSize: file.length, messages: sig.messages },
      bytes,
    };
  } catch (e) {
    // Reaching this is a klp-lab bug, not a property of the file: say so rather than pretend
    // the kernel said it.
    const reason = e instanceof Error ? e.message : String(e);
    return { ok: false, error: loadError(EINVAL, 'klp-lab', `internal error while decoding ${fileName}: ${reason}`) };
  }
}

/** The synchronous part of decodeModule() for plain (uncompressed) ELF bytes, e.g. a module klp-lab itself wrote. */
export function decodePlainModule(
  bytes: Uint8Array,
  fileName: string,
): { ok: true; elf: ElfObject } | { ok: false; error: LoadError } {
  const sig = module_sig_check(bytes);
  if ('kind' in sig) return { ok: false, error: sig };
  const invalid = elf_validity_check(bytes, sig.len);
  if (invalid) return { ok: false, error: invalid };
  return { ok: true, elf: parseElfObject(bytes, fileName, sig.signature) };
}
