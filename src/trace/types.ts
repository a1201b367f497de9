// A Trace is what the emulated kernel did, as plain data: the UI, the CLI and the tests only
// ever read traces. Steps are the unit of playback; each holds the events it caused, in order.
// Addresses are bigint (kernel virtual addresses do not fit a double).

/**
 * enum module_state (include/linux/module.h) without its MODULE_STATE_ prefix. A module that is
 * not on the modules list — not yet added, or freed — has no state (null where one is asked for).
 */
export type ModuleState = 'UNFORMED' | 'COMING' | 'LIVE' | 'GOING';

/** Page permission as the PTE has it (x86: _PAGE_RW, _PAGE_NX). */
export interface PagePerm {
  write: boolean;
  exec: boolean;
}

/** How bytes reached memory. */
export type WritePath =
  /** a plain CPU store / memcpy through the page's own mapping: needs the page writable */
  | 'memcpy'
  /** 5.4 apply_relocate_add(): `*loc = val` */
  | 'store'
  /** text_poke(): through a temporary writable alias (poking_mm), any permission */
  | 'text_poke'
  /** text_poke_early(): memcpy while the module is not yet live (no alias needed) */
  | 'text_poke_early'
  /**
   * ≤ 5.4 ftrace_write()/ftrace_modify_code_direct(): a store through the page's own mapping
   * (module text made writable by set_all_modules_text_rw()) or, for kernel text, through its
   * direct-map alias (set_kernel_text_rw()); -EFAULT instead of an oops when not writable
   */
  | 'probe_kernel_write';

/** Why a region exists: the module_layout / module_memory it belongs to. */
export interface Region {
  module: string;
  /** "core" / "init" (≤ 6.3), or MOD_TEXT, MOD_DATA … (6.4+) */
  name: string;
  base: bigint;
  /** Size in bytes as allocated (page-rounded by vmalloc). */
  size: number;
}

export interface RelocationCause {
  /** Index and name of the relocation section. */
  relsec: number;
  relsecName: string;
  entry: number;
  type: number;
  symbol: string;
  /** S (resolved symbol value), A (addend), P (place) and the value written. */
  S: bigint;
  A: bigint;
  P: bigint;
  value: bigint;
}

/** What the kernel did, one event at a time, as the views read it (see events.ts). */
export type TraceEvent = KernelEvent | WriteRecord;

/** What a step holds: every event but writes, which are runs of rows of the trace's WriteLog. */
export type StoredEvent = KernelEvent | WriteRun;

/** Writes `from` … `from + count - 1` of the trace's write log, in order, as consecutive events. */
export interface WriteRun {
  kind: 'writes';
  from: number;
  count: number;
}

export type KernelEvent =
  /**
   * A region appears: vmalloc'd (module_alloc()) or, with `boot`, memory mapped since boot
   * (vmlinux text, modelled only where ftrace patches it): the views show it from the first step.
   */
  | { kind: 'alloc'; region: Region; perm: PagePerm; caller: string; boot?: true }
  | { kind: 'free'; region: Region; caller: string }
  | {
      kind: 'copy';
      module: string;
      section: string;
      sectionIndex: number;
      addr: bigint;
      size: number;
      /** SHT_NOBITS sections are not copied: they stay zero. */
      nobits: boolean;
    }
  | { kind: 'fault'; addr: bigint; size: number; path: WritePath; oops: string[] }
  | {
      kind: 'perm';
      fn: 'set_memory_ro' | 'set_memory_rw' | 'set_memory_x' | 'set_memory_nx' | 'set_memory_rox';
      addr: bigint;
      pages: number;
      /** Pages whose PTE actually changed, with the permission before and after. */
      changed: Array<{ page: bigint; from: PagePerm; to: PagePerm }>;
      /**
       * cpa_flush(), one IPI round: flush_tlb_one_kernel() of each page on every CPU, or
       * flush_tlb_all() (above 33 pages, or force_flush_all); none if no PTE changed
       */
      flush: 'none' | 'flush_tlb_one_kernel' | 'flush_tlb_all';
    }
  /** An IPI that makes every CPU serialise: text_poke_sync(), or 5.4 ftrace's run_sync() (none with one CPU online) */
  | { kind: 'sync'; fn: 'text_poke_sync' | 'run_sync'; why: string }
  | { kind: 'state'; module: string; from: ModuleState | null; to: ModuleState | null }
  | { kind: 'printk'; level: 'err' | 'warn' | 'notice' | 'info'; text: string }
  | { kind: 'symbol'; module: string; name: string; index: number; value: bigint; how: string };

export interface Step {
  index: number;
  /** Kernel call path, outermost first: ["load_module", "layout_and_allocate", "move_module"]. */
  path: string[];
  /** One line: what this step does. */
  title: string;
  /** Where in the kernel sources this is, e.g. "kernel/module/main.c" at the profile's version. */
  source?: { file: string; fn: string; version: string };
  module?: string;
  /** In order; a run of writes counts as that many events (event indices count every write). */
  events: StoredEvent[];
}

/**
 * Every write of a trace, column by column (src/trace/write_log.ts appends and reads it). Plain
 * data (it crosses postMessage as is): `length` rows, capacity may be larger.
 */
export interface WriteLog {
  length: number;
  addr: BigUint64Array;
  /** index into WRITE_PATHS (write_log.ts) */
  path: Uint8Array;
  /** where the bytes before the write start in `pool`; the bytes written follow them */
  at: Uint32Array;
  /** the write's length; the pool keeps min(size, WRITE_BYTES_KEPT) bytes before and after */
  size: Uint32Array;
  /** index into `strings` of the write's description, -1 for none */
  what: Int32Array;
  /** relocation cause: relsec is -1 when the write has none */
  relsec: Int32Array;
  relsecName: Int32Array;
  entry: Uint32Array;
  type: Uint32Array;
  symbol: Int32Array;
  S: BigUint64Array;
  A: BigInt64Array;
  P: BigUint64Array;
  value: BigUint64Array;
  pool: Uint8Array;
  poolLength: number;
  strings: string[];
}

/**
 * One write as the views read it; `old` and `new` are views into the log's pool: the whole write,
 * or its first WRITE_BYTES_KEPT bytes (write_log.ts) when `size` says it is longer.
 */
export interface WriteRecord {
  kind: 'write';
  addr: bigint;
  old: Uint8Array;
  new: Uint8Array;
  /** The write's length, set only when it is longer than the bytes kept in `old` and `new`. */
  size?: number;
  path: WritePath;
  cause?: RelocationCause;
  /** e.g. "ftrace NOP", "return thunk", "symtab st_value" */
  what?: string;
}

export interface Trace {
  kernel: string;
  steps: Step[];
  writes: WriteLog;
  /** Set when the trace is what a real kernel did, read from a klp-capture recording (src/recording/). */
  recorded?: RecordedFrom;
}

/** One insmod / rmmod / livepatch disable the recording saw, as the engine's outcomes say theirs. */
export interface RecordedOp {
  op: 'insmod' | 'rmmod' | 'disable';
  module: string;
  /** The step it starts at. */
  step: number;
  ok: boolean;
  /** The syscall's error, e.g. ENOEXEC for -8. */
  errno?: string;
  /** The kernel's first error message during it, verbatim. */
  message?: string;
}

/**
 * Where a recorded trace comes from and what it cannot say. The probes record where a write went
 * and how long it was, never its bytes: every write of a recorded trace has zeros as its old and
 * new bytes, and its `what` names the function that wrote.
 */
export interface RecordedFrom {
  /** `uname -r`, e.g. "6.1.0-56-amd64". */
  release: string;
  /** From /proc/version, e.g. "6.1.192". */
  version: string;
  /** The command klp-capture ran (null: recorded until interrupted). */
  command: string | null;
  ops: RecordedOp[];
}
