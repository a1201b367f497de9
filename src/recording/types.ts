// A Recording is what capture/klp-capture saw a real kernel do, as plain data: the kernel and how it
// was recorded, the ordered trace events (module loads and frees, every set_memory_* with what it
// was for, text pokes, relocation and livepatch points) and what the machine looked like at the end
// (/proc/modules, each new module's sections and kallsyms). parse.ts builds it from the file; nothing
// here knows the emulator. Addresses are bigint, like the Trace's (kernel addresses do not fit a double).

/** Kernel version as the recording's `uname -r` gives it: 6.12.118+deb12-amd64 → 6, 12, 118. */
export interface KernelVersion {
  major: number;
  minor: number;
  patch: number;
}

export interface RecordingKernel {
  /** `uname -r`, e.g. "6.1.0-56-amd64" */
  release: string;
  /** From /proc/version's "Linux version X.Y.Z" (Debian's release names hide the patch level). */
  version: KernelVersion;
  /** /proc/version */
  banner: string;
  machine: string;
  cmdline: string;
  /** The selected /sys/kernel/security/lockdown mode ("none", "integrity", …) or null when unknown. */
  lockdown: string | null;
  kptrRestrict: number | null;
  /** /proc/sys/kernel/tainted before and after the recording. */
  tainted: { start: number; end: number } | null;
}

/** What klp-capture did with one row of its probe table. */
export interface ProbeStatus {
  event: string;
  /** ok: recorded; refused: the kernel would not (reason says why); skipped: not for this kernel version */
  status: 'ok' | 'refused' | 'skipped';
  /** p = kprobe, r = kretprobe, t = tracepoint (ok rows only) */
  kind: 'p' | 'r' | 't' | null;
  /** Function or SYSTEM/EVENT (ok rows only). */
  target: string | null;
  /** Fetch arguments in order, as written to kprobe_events (ok kprobes only). */
  args: Array<{ name: string; spec: string; type: string }>;
  filter: string | null;
  /** The stack trigger could not be set up (the event is recorded without stacks). */
  noStack: boolean;
  reason: string | null;
}

export interface RecordingCapture {
  /** The file format version (1). */
  format: number;
  date: string;
  /** The command klp-capture ran, or null when it recorded until interrupted. */
  command: string | null;
  /** The command's exit status. */
  rc: number | null;
  /** INT / TERM / HUP when a signal ended the recording. */
  stoppedBy: string | null;
  tracefs: string;
  /** klp-capture mounted tracefs itself (and unmounted it afterwards). */
  mountedTracefs: boolean;
  /** How kprobe arguments were fetched: $argN, or the x86-64 argument registers. */
  fetchArgs: 'argN' | 'registers';
  traceClock: string;
  bufferSizeKb: number | null;
  probes: ProbeStatus[];
  /** From the trace's "# entries-in-buffer/entries-written: A/B   #P:N" line. */
  entries: { inBuffer: number; written: number; cpus: number } | null;
}

/** The config lines klp-capture keeps: CONFIG_X → "y", "m", a value, or "n" for "is not set". */
export interface RecordingConfig {
  /** Where they came from (/proc/config.gz, /boot/config-…), or null when none was found. */
  source: string | null;
  options: Record<string, string>;
}

/** A /proc/modules line. */
export interface ProcModule {
  name: string;
  size: number;
  refs: number;
  deps: string[];
  state: string;
  base: bigint;
  taints: string;
}

export interface ModuleSections {
  module: string;
  sections: Array<{ name: string; addr: bigint }>;
}

export interface KallsymsLine {
  addr: bigint;
  type: string;
  name: string;
  module: string;
}

export interface VmallocArea {
  start: bigint;
  end: bigint;
  size: number;
  /** The allocating function, e.g. "load_module+0x784/0x21b0". */
  caller: string;
  /** The rest of the line: pages=N vmalloc … */
  info: string;
}

/** What a module-space allocation is for. */
export type AllocationPurpose = 'module' | 'ftrace-trampoline' | 'kprobes' | 'bpf' | 'other';

/**
 * One module_alloc() / execmem_alloc() the recording saw, with what it was for. For module memory:
 * the module, and the region — "core" / "init" up to 6.3 (one allocation each), the MOD_* memory type
 * from 6.4 on (one allocation per type), told apart by allocation order, execmem type, which
 * module_enable_* calls touched it, and the module's sections when it is still loaded.
 */
export interface Allocation {
  id: number;
  fn: 'module_alloc' | 'execmem_alloc';
  /** null when the return probe is missing (or the allocation failed). */
  addr: bigint | null;
  /** Bytes asked for; the allocation spans whole pages. */
  size: number;
  /** execmem_alloc's type (0 module text, 1 kprobes, 2 ftrace, 3 bpf, 4 module data); null for module_alloc. */
  execmemType: number | null;
  purpose: AllocationPurpose;
  module: string | null;
  region: string | null;
  /** Lines of the alloc event and of the free that ended it (null: still allocated at the end). */
  line: number;
  freedLine: number | null;
}

/** Where an address is, at the moment of an event. */
export type Place =
  | { kind: 'allocation'; allocation: number; module: string | null; region: string | null; offset: number }
  /** a module loaded before the recording: only /proc/modules' base and size are known */
  | { kind: 'module'; module: string; offset: number }
  | { kind: 'vmlinux' }
  | { kind: 'unknown' };

export type SetMemoryFn = 'set_memory_ro' | 'set_memory_rw' | 'set_memory_x' | 'set_memory_nx' | 'set_memory_rox';

export type TextPokeFn =
  | 'text_poke'
  | 'text_poke_copy'
  | 'text_poke_copy_locked'
  | 'text_poke_set'
  | 'text_poke_early'
  | 'text_poke_bp'
  | 'text_poke_queue';

export type ModuleCallFn =
  | 'module_enable_ro'
  | 'module_enable_nx'
  | 'module_enable_x'
  | 'module_enable_text_rox'
  | 'module_enable_rodata_ro'
  | 'module_enable_data_nx'
  | 'module_finalize'
  | 'ftrace_module_init'
  | 'ftrace_module_enable'
  | 'ftrace_release_mod'
  | 'do_init_module'
  | 'do_free_init'
  | 'free_module';

export type RelocationFn =
  | 'apply_relocate_add'
  | 'clear_relocate_add'
  | 'klp_write_object_relocations'
  | 'klp_apply_section_relocs'
  | 'klp_write_section_relocs';

export type LivepatchFn =
  | 'klp_enable_patch'
  | 'klp_module_coming'
  | 'klp_module_going'
  | 'klp_init_object_loaded'
  | 'klp_apply_object_relocs'
  | 'klp_clear_object_relocs'
  | 'klp_patch_object'
  | 'klp_unpatch_object'
  | 'klp_init_transition'
  | 'klp_start_transition'
  | 'klp_try_complete_transition'
  | 'klp_complete_transition'
  | 'sched_dynamic_klp_enable'
  | 'sched_dynamic_klp_disable';

export type SyscallName = 'finit_module' | 'init_module' | 'delete_module';

/** What a set_memory_* call was for, from its caller and the address. */
export interface MemoryMeaning {
  /** The kernel function that made the call (module_enable_ro, arch_ftrace_update_trampoline, …). */
  caller: string | null;
  /** The caller's after_init argument (module_enable_ro, module_enable_rodata_ro). */
  afterInit: boolean | null;
  place: Place;
  /** ≤ 6.3 module layouts: which part of the core/init allocation (text, rodata, ro_after_init, data). */
  part: 'text' | 'rodata' | 'ro_after_init' | 'data' | null;
  /** One line: "klp_demo_patch core text → read-only (module_enable_ro, after_init=0)". */
  text: string;
}

interface EventBase {
  /** 1-based line of the event in the recording. */
  line: number;
  /** Trace clock time in seconds (boot-relative for the default "local" clock). */
  time: number;
  task: string;
  pid: number;
  cpu: number;
  /** The kernel call stack at the event, callers only, innermost first (probes with a stack trigger). */
  stack: string[] | null;
}

export type RecordingEvent = EventBase &
  (
    | { kind: 'marker'; text: string }
    | { kind: 'module-load'; module: string; taints: string }
    | { kind: 'module-free'; module: string }
    | { kind: 'printk'; text: string }
    | { kind: 'syscall-enter'; call: SyscallName; args: string }
    /** errno: the error's name when ret is negative (ENOEXEC for -8) */
    | { kind: 'syscall-exit'; call: SyscallName; ret: number; errno: string | null }
    | { kind: 'set-memory'; fn: SetMemoryFn; addr: bigint; pages: number; meaning: MemoryMeaning }
    | {
        kind: 'alloc';
        fn: 'module_alloc' | 'execmem_alloc';
        size: number;
        execmemType: number | null;
        allocation: number;
      }
    /** the return probe: where the allocation landed */
    | { kind: 'alloc-return'; fn: 'module_alloc' | 'execmem_alloc'; addr: bigint; allocation: number | null }
    | { kind: 'free'; fn: 'module_memfree' | 'execmem_free'; addr: bigint; allocation: number | null }
    | { kind: 'text-poke'; fn: TextPokeFn; addr: bigint; len: number; place: Place }
    /** text_poke_sync (every CPU serialised) and text_poke_finish (a queued batch written) */
    | { kind: 'text-sync'; fn: 'text_poke_sync' | 'text_poke_finish' }
    | { kind: 'module-call'; fn: ModuleCallFn; module: string | null; afterInit: boolean | null }
    /**
     * module: the module whose memory the relocations are written to (the patch module for .klp.rela);
     * object: the object whose symbols they resolve to (null = vmlinux), klp functions only;
     * apply: false when clearing (6.3+).
     */
    | {
        kind: 'relocation';
        fn: RelocationFn;
        module: string | null;
        section: number | null;
        object: string | null;
        apply: boolean;
      }
    /** patch: the livepatch module; module: the module arriving or going; object: a patched object (null = vmlinux) */
    | {
        kind: 'livepatch';
        fn: LivepatchFn;
        patch: string | null;
        module: string | null;
        object: string | null;
        state: number | null;
      }
    /** ftrace gives an ftrace_ops (one per livepatched function) a trampoline of its own */
    | { kind: 'ftrace-trampoline'; fn: 'arch_ftrace_update_trampoline'; ops: bigint | null }
    /** an event of a probe this parser does not know (a user's own probe table): its arguments as text */
    | { kind: 'other'; name: string; args: Record<string, string> }
  );

export interface RecordingWarning {
  line: number;
  message: string;
}

export interface Recording {
  kernel: RecordingKernel;
  capture: RecordingCapture;
  config: RecordingConfig;
  /** In trace order (the order the kernel logged them). */
  events: RecordingEvent[];
  allocations: Allocation[];
  /** Names of the modules loaded before the recording started. */
  modulesBefore: string[];
  /** /proc/modules at the end. */
  modules: ProcModule[];
  /** /sys/module/M/sections of each module loaded during the recording and still there at the end. */
  sections: ModuleSections[];
  kallsyms: KallsymsLine[];
  /** /sys/kernel/livepatch at the end: "klp_demo_patch/enabled" → "1". */
  livepatch: Array<{ path: string; value: string }>;
  /** /proc/vmallocinfo lines in module space at the end. */
  vmalloc: VmallocArea[];
  /** Things that make the recording less complete, without making it wrong (lost events, hashed addresses…). */
  warnings: RecordingWarning[];
}
