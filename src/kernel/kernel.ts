// One emulated machine: a kernel version (profile), its memory, the module area, the symbols
// of its vmlinux, the loaded modules, and the trace every emulated function writes to.
import { TraceRecorder } from '../trace/recorder.ts';
import { sourceFileAt } from '../trace/source_link.ts';
import type { ModuleState } from '../trace/types.ts';
import { FTRACE_RECORD, type KallsymsEntry, VmlinuxSymbols } from './kallsyms.ts';
import type { KernelHooks, Kernel as KernelInterface } from './kernel_types.ts';
import { CpuCaps, type MachineProfile, machines } from './machine.ts';
import { AddressSpace } from './mm/address_space.ts';
import { cpa_init } from './mm/set_memory.ts';
import { MODULES_VADDR, ModuleArea } from './mm/vmalloc.ts';
import type { Module } from './module/types.ts';
import { type KernelId, type KernelProfile, profiles } from './profile.ts';

export interface KernelOptions {
  kernel?: KernelId;
  /** vmlinux symbols, e.g. parseKallsyms() of the shipped table. */
  vmlinux?: KallsymsEntry[];
  /** How exports are told from other symbols (see VmlinuxSymbols.findExport). */
  vmlinuxExports?: 'ksymtab' | 'globals';
  /**
   * Where the first module goes. The real 6.1 capture found the first 2 MiB + 1 page of the
   * module area taken (the BPF program pack) and its first module at 0xffffffffc0201000.
   */
  firstModuleBase?: bigint;
  /**
   * Symbols of modules that are not emulated but taken as loaded (lines of /proc/kallsyms with
   * a `[module]` tag): their globals serve as those modules' exports.
   */
  moduleSymbols?: KallsymsEntry[];
  /** Start of the emulated per-cpu reserved chunk (see percpuAlloc); the machine's by default. */
  percpuBase?: bigint;
  /**
   * Give a symbol no table provides a synthetic address instead of refusing the module, so that
   * a module can be replayed without its whole dependency chain. Each invented symbol is
   * reported (Kernel.inventedSymbols); the range is one no real kernel object uses.
   */
  fakeMissingSymbols?: boolean;
  /** A reconstruction of a never-merged design, plugged in by its strategy (src/strategies/hooks.ts). */
  hooks?: KernelHooks;
  /** Record every write as its own trace event (default), or only make and count them. */
  recordWrites?: boolean;
  /** The machine booted (CPU features, mitigations, CPUs, preemption); by default the profile's (its oracle capture's). */
  machine?: MachineProfile;
}

/** One emulated machine; the emulated functions see it through the Kernel interface (kernel_types.ts). */
export class Kernel implements KernelInterface {
  readonly profile: KernelProfile;
  readonly trace: TraceRecorder;
  readonly mem: AddressSpace;
  readonly moduleArea: ModuleArea;
  readonly vmlinux: VmlinuxSymbols;
  /** Exports of modules known only from kallsyms (see KernelOptions.moduleSymbols). */
  readonly externalExports = new Map<string, { value: bigint; owner: string }>();
  /** Symbols given a synthetic address (fakeMissingSymbols), by name. */
  readonly inventedSymbols = new Map<string, bigint>();
  readonly fakeMissingSymbols: boolean;
  readonly hooks: KernelHooks;
  readonly machine: MachineProfile;
  /** boot_cpu_has() for this machine. */
  readonly cpu: CpuCaps;
  /** The `modules` list, in load order. */
  readonly modules: Module[] = [];
  /** Kernel taint letters so far (a message is printed only the first time, as the kernel does). */
  readonly taints = new Set<string>();
  /** Relocations applied, by type name (for the CLI's counts). */
  readonly relocationCounts: Record<string, number> = {};
  /** Wall time spent in apply_relocate_add() (for `npm run bench`: the relocation loop alone). */
  relocationMs = 0;
  private percpuNext: bigint;

  constructor(opts: KernelOptions = {}) {
    this.profile = profiles[opts.kernel ?? '6.1'];
    const version = this.profile.version;
    this.trace = new TraceRecorder(version, (fn, file) => sourceFileAt(version, fn, file));
    this.mem = new AddressSpace(this.trace);
    cpa_init(this.mem, this.profile.moduleTlbFlush);
    const first = opts.firstModuleBase ?? 0xffffffffc0201000n;
    const reserved =
      first > MODULES_VADDR
        ? [{ start: MODULES_VADDR, size: Number(first - MODULES_VADDR), what: 'bpf_prog_pack' }]
        : [];
    this.moduleArea = new ModuleArea(this.mem, this.trace, reserved);
    this.vmlinux = VmlinuxSymbols.of(opts.vmlinux ?? [], opts.vmlinuxExports);
    this.fakeMissingSymbols = opts.fakeMissingSymbols ?? false;
    this.hooks = opts.hooks ?? {};
    this.mem.recordWrites = opts.recordWrites ?? true;
    this.machine = opts.machine ?? machines[this.profile.machine];
    this.percpuNext = opts.percpuBase ?? this.machine.percpuModuleBase;
    this.cpu = new CpuCaps(this.machine);
    // A module's export has a __ksymtab_<name> line of the same module.
    const lines = (opts.moduleSymbols ?? []).filter((e) => e.type !== FTRACE_RECORD);
    const ksymtab = new Set(
      lines.filter((e) => e.name.startsWith('__ksymtab_')).map((e) => `${e.module}:${e.name.slice(10)}`),
    );
    for (const e of lines)
      if (e.module && ksymtab.has(`${e.module}:${e.name}`) && !this.externalExports.has(e.name))
        this.externalExports.set(e.name, { value: e.addr, owner: e.module });
  }

  /**
   * percpu_modalloc() → __alloc_reserved_percpu(): the module's share of the per-cpu reserved
   * chunk. The real offsets depend on the running kernel's per-cpu layout, which a kallsyms
   * dump does not show; `percpuBase` sets where the emulated reserved chunk starts.
   */
  percpuAlloc(size: number, align: number): bigint {
    const a = BigInt(Math.max(align, 1));
    const at = ((this.percpuNext + a - 1n) / a) * a;
    this.percpuNext = at + BigInt(size);
    return at;
  }

  findModule(name: string): Module | undefined {
    return this.modules.find((m) => m.name === name && m.state !== null);
  }

  setState(mod: Module, to: ModuleState | null): void {
    this.trace.emit({ kind: 'state', module: mod.name, from: mod.state, to });
    mod.state = to;
  }
}
