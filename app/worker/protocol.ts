// What crosses the worker boundary. Plain data only (bigint and typed arrays included).
import type { OpenResult } from '../../src/module_file.ts';

export interface OpenReply {
  /** Handle of the bytes the worker keeps for this file (for later emulation work). */
  handle: number;
  result: OpenResult;
  /** Wall time of openModule (decompress + validate + decode) inside the worker, ms. */
  parseMs: number;
}

export interface ModuleWorkerApi {
  /** Takes ownership of `buffer` (the caller transfers it). */
  open(buffer: ArrayBuffer, fileName: string): Promise<OpenReply>;
  /** Forgets the bytes kept for `handle`. */
  release(handle: number): void;
  /** Number of files whose bytes the worker keeps (for tests and diagnostics). */
  kept(): number;
}
