// What crosses the worker boundary. Plain data only (bigint and typed arrays included).

import type { Audit } from '../../src/audit/auditor.ts';
import type { KernelId } from '../../src/kernel/profile.ts';
import type { OpenResult } from '../../src/module_file.ts';
import type { Packaging } from '../../src/scenarios/run.ts';
import type { OpRef } from '../../src/trace/compare.ts';
import type { Trace } from '../../src/trace/types.ts';

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
  /** Keeps `buffer` (transferred) without decoding it for the UI; returns its handle for loadSequence. */
  stash(buffer: ArrayBuffer, fileName: string): number;
  /** The vmlinux symbol table (kallsyms text) every later loadSequence resolves against. */
  setKallsyms(text: string): void;
  /** Runs the emulated kernel over insmod/rmmod steps and returns what it recorded. */
  loadSequence(request: SequenceRequest): Promise<SequenceReply>;
  /** The core's runScenario(strategy, scenario) over the modules given per role (T, T2, P, R). */
  runScenario(request: ScenarioRequest): Promise<ScenarioReply>;
  /** Several strategies over one scenario, in one round trip (traces transferred together). */
  compareScenario(request: CompareRequest): Promise<CompareReply>;
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

export interface CompareRequest {
  strategies: string[];
  scenario: string;
  roles: ScenarioRequest['roles'];
}

export interface CompareColumn extends ScenarioReply {
  strategy: string;
}

export interface CompareReply {
  columns: CompareColumn[];
  /** Emulation + audit of every strategy inside the worker, ms. */
  runMs: number;
}

export interface ScenarioRequest {
  strategy: string;
  scenario: string;
  /** Worker handles of the modules per scenario role. */
  roles: Partial<Record<'T' | 'T2' | 'P' | 'R', number>>;
}

export interface ScenarioReply {
  /** Null when the strategy refuses the scenario (policy) or is not emulated yet. */
  trace: Trace | null;
  audit: Audit | null;
  outcomes: SequenceOutcome[];
  /** The runner's operations with the step each starts at (for aligning strategies). */
  ops?: OpRef[];
  /** How the design repackages the monolithic livepatch (klp-text, klp-text-ro, split). */
  packaging?: Packaging;
  refused?: string;
  runMs: number;
}

export type SequenceOp = { op: 'insmod'; handle: number } | { op: 'rmmod'; name: string };

export interface SequenceRequest {
  kernel: KernelId;
  steps: SequenceOp[];
  /** Give symbols nobody exports an invented address (see KernelOptions.fakeMissingSymbols). */
  fakeMissingSymbols?: boolean;
}

export interface SequenceOutcome {
  /** "insmod klp_demo_patch.ko" / "rmmod klp_demo_target" */
  what: string;
  ok: boolean;
  /** The kernel's refusal, verbatim. */
  message?: string;
}

export interface SequenceReply {
  trace: Trace;
  /** The core's auditor over the trace, computed in the worker (≈1 s for amdgpu.ko). */
  audit: Audit;
  /** One per request step that ran; the sequence stops at the first refusal. */
  outcomes: SequenceOutcome[];
  /** Emulation time inside the worker, ms. */
  runMs: number;
}
