// What every emulated kernel function is handed: one machine's kernel (the `Kernel` interface,
// which kernel.ts implements), and the hooks a strategy may plug a reconstruction in with. It is
// the contract between the emulated files, as kernel/module/internal.h is between the loader's:
// they import this file, never kernel.ts, so that no file the kernel is made of depends on the
// kernel being built.
import type { TraceRecorder } from '../trace/recorder.ts';
import type { ModuleState } from '../trace/types.ts';
import type { VmlinuxSymbols } from './kallsyms.ts';
import type { LoadError } from './load_error.ts';
import type { CpuCaps, MachineProfile } from './machine.ts';
import type { AddressSpace } from './mm/address_space.ts';
import type { ModuleArea } from './mm/vmalloc.ts';
import type { LoadInfo, Module } from './module/types.ts';
import type { KernelProfile } from './profile.ts';

export interface Kernel {
  readonly profile: KernelProfile;
  readonly trace: TraceRecorder;
  readonly mem: AddressSpace;
  readonly moduleArea: ModuleArea;
  readonly vmlinux: VmlinuxSymbols;
  /** Exports of modules known only from kallsyms (see KernelOptions.moduleSymbols). */
  readonly externalExports: Map<string, { value: bigint; owner: string }>;
  /** Symbols given a synthetic address (fakeMissingSymbols), by name. */
  readonly inventedSymbols: Map<string, bigint>;
  readonly fakeMissingSymbols: boolean;
  /** A reconstruction's hooks, or none: then only code some real kernel has runs. */
  readonly hooks: KernelHooks;
  readonly machine: MachineProfile;
  /** boot_cpu_has() for this machine. */
  readonly cpu: CpuCaps;
  /** The `modules` list, in load order. */
  readonly modules: Module[];
  /** Kernel taint letters so far (a message is printed only the first time, as the kernel does). */
  readonly taints: Set<string>;
  /** Relocations applied, by type name (for the CLI's counts). */
  readonly relocationCounts: Record<string, number>;
  /** Wall time spent in apply_relocate_add() (for `npm run bench`: the relocation loop alone). */
  relocationMs: number;
  /** percpu_modalloc() → __alloc_reserved_percpu(): the module's share of the per-cpu reserved chunk. */
  percpuAlloc(size: number, align: number): bigint;
  /** find_module(): a module on the list by name. */
  findModule(name: string): Module | undefined;
  /** `mod->state = to`, as a trace event. */
  setState(mod: Module, to: ModuleState): void;
}

/**
 * Where a never-merged design is plugged into the loader and the livepatch core. Each hook says
 * which kernel function runs it and what it adds or replaces there; a kernel without hooks runs
 * what its profile says. src/kernel never imports a reconstruction: src/strategies hands the
 * hooks of one (src/reconstructions) to the Kernel it builds.
 */
export interface KernelHooks {
  /**
   * apply_relocations(), a SHF_RELA_LIVEPATCH section: what happens to a patch module's
   * `.klp.rela` sections while it loads, instead of the profile's klpVmlinuxRelocsAtLoad.
   */
  klpRelaAtLoad?(k: Kernel, pmod: Module, info: LoadInfo, relsec: number): LoadError | null;
  /** The end of apply_relocations(): relocations the arriving module brings about elsewhere. */
  afterApplyRelocations?(k: Kernel, mod: Module): LoadError | null;
  /** frob_text() in module_enable_ro()/module_enable_x() (≤ 6.3 layouts): text pages to leave alone. */
  frobTextSkip?(k: Kernel, mod: Module, call: 'ro' | 'x'): Array<{ addr: bigint; pages: number }>;
  /** complete_formation(), after module_enable_x() (≤ 6.3 layouts). */
  afterModuleEnableX?(k: Kernel, mod: Module): void;
  /** klp_init_object_loaded(): the loader applied the object's relocations; livepatch only finds its functions. */
  klpRelocsByLoader?: boolean;
  /** do_init_module() of a livepatch module: its init, instead of klp_enable_patch(). */
  livepatchInit?(k: Kernel, mod: Module): LoadError | null;
  /** prepare_coming_module(), after klp_module_coming(). */
  afterKlpModuleComing?(k: Kernel, mod: Module): LoadError | null;
  /** klp_module_going(), after every patch let go of the module. */
  inKlpModuleGoing?(k: Kernel, mod: Module): void;
  /** delete_module(), after klp_module_going(). */
  afterKlpModuleGoing?(k: Kernel, mod: Module): void;
  /** delete_module(), after free_module(). */
  afterFreeModule?(k: Kernel, mod: Module): void;
}
