// The modules a run loads, as its caller hands them over. The engine never reads a file: the
// worker maps its handles to the bytes it keeps, the CLI reads paths, the tests decode the
// samples. A module is asked for when the run reaches it, so a sequence that stops at a refusal
// never reads (or fails on) the files after it.
import type { ElfObject } from '../elf/types.ts';

/** A module ready for load_module(): its file name, plain (decompressed) ELF bytes and decoded ELF. */
export interface ModuleFile {
  fileName: string;
  bytes: Uint8Array;
  elf: ElfObject;
}

/** A module, or why the caller cannot provide it (reported as that insmod's failure, or the run's error). */
export type ModuleLookup =
  | { ok: true; module: ModuleFile }
  | {
      ok: false;
      /** The file is not open any more (else: it is open but is no module the loader takes). */
      closed: boolean;
      /** How the insmod names it: its file name, or what the caller knows of it. */
      name: string;
      message: string;
    };

/** How a run gets the module a reference names. May throw: the run stops with that error. */
export type ResolveModule<M> = (ref: M) => ModuleLookup | Promise<ModuleLookup>;

/** For modules already decoded (the CLI's scenarios, the tests): the reference is the module. */
export const decodedModule: ResolveModule<ModuleFile> = (module) => ({ ok: true, module });
