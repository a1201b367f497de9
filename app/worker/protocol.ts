// What crosses the worker boundary. Plain data only (bigint and typed arrays included).

import type { RunRequest } from '../../src/engine/request.ts';
import type { RunResult } from '../../src/engine/run.ts';
import type { OpenResult } from '../../src/module_file.ts';
import type { Trace } from '../../src/trace/types.ts';
import type { SharedNames } from './transferables.ts';

/** A run as the worker takes it: modules are handles of files it keeps (open() and stash()). */
export type WorkerRequest = RunRequest<number>;

export interface OpenReply {
  /** Handle of the bytes the worker keeps for this file (for later emulation work). */
  handle: number;
  result: OpenResult;
  /** Wall time of openModule (decompress + validate + decode) inside the worker, ms. */
  parseMs: number;
  /** Long names the module's symbols and sections share, sent once (client.ts puts them back). */
  shared?: SharedNames;
}

export interface ModuleWorkerApi {
  /** Takes ownership of `buffer` (the caller transfers it). */
  open(buffer: ArrayBuffer, fileName: string): Promise<OpenReply>;
  /** Forgets the bytes kept for `handle`. */
  release(handle: number): void;
  /** Number of files whose bytes the worker keeps (for tests and diagnostics). */
  kept(): number;
  /** Keeps `buffer` (transferred) without decoding it for the UI; returns its handle for a run. */
  stash(buffer: ArrayBuffer, fileName: string): number;
  /**
   * A vmlinux symbol table (kallsyms text) later runs resolve against: `table` names it (the
   * default one, or another kernel's, e.g. "6.12" for a recording of that kernel).
   */
  setKallsyms(text: string, table?: string): void;
  /**
   * The core's run (src/engine/run.ts) of a sequence, a scenario or a comparison, against the
   * named vmlinux table (the default one if none); the traces' write logs come back transferred.
   * The result has the request's kind.
   */
  run(request: WorkerRequest, table?: string): Promise<RunResult>;
  /**
   * A klp-capture recording (src/recording/) as a trace of the real kernel, its write log
   * transferred; or the parser's refusal, naming the line. Takes ownership of `buffer`.
   */
  openRecording(buffer: ArrayBuffer, fileName: string): Promise<RecordingReply>;
  /**
   * `length` bytes from `offset` of section `index` of the plain (decompressed) ELF kept for
   * `handle`, as in the file (before any relocation). The bytes come back transferred.
   */
  sectionBytes(handle: number, index: number, offset: number, length: number): Promise<SectionBytesReply>;
}

export interface SectionBytesReply {
  /** Section name, so a caller can check it reads the section it means. */
  name: string;
  /** sh_size. */
  size: number;
  /** SHT_NOBITS: nothing in the file (bytes is empty). */
  nobits: boolean;
  /** Offset in the section of bytes[0] (the request clamped to the section). */
  offset: number;
  bytes: Uint8Array;
}

export type RecordingReply =
  | {
      ok: true;
      trace: Trace;
      /** The modules its insmods load, in order, each once (the .ko files a comparison needs). */
      modules: string[];
    }
  | { ok: false; message: string };
