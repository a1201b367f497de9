// Kernel versions the emulator follows, as data: where behaviour differs between versions the
// code asks the profile instead of testing a version number.

export type KernelId = '5.4' | '6.1' | '6.3' | '6.4';

export interface KernelProfile {
  id: KernelId;
  /** Exact source the emulation follows, for narration and source links. */
  version: string;
  /**
   * How apply_relocate_add() writes (arch/x86/kernel/module.c):
   * 'store' — 5.4: `*(u32 *)loc = val`, no checks beyond overflow;
   * 'memcpy-or-text-poke' — 5.8…6.2: memcpy while UNFORMED, else text_poke + text_poke_sync,
   *   refusing non-zero targets;
   * 'write-relocate-add' — 6.3+: the same, plus clear_relocate_add() on unload.
   */
  relocationWrite: 'store' | 'memcpy-or-text-poke' | 'write-relocate-add';
  /** 6.4+: one allocation per MOD_* type instead of core/init layouts. */
  moduleMemory: boolean;
  /** 5.8+: `.klp.rela.vmlinux.*` applied while the patch module loads. */
  klpVmlinuxRelocsAtLoad: boolean;
  /** 5.4 only: elf_header_check() refuses silently and checks less. */
  elfCheck: '5.4' | '6.1';
  /** The 6.1.192 backport: "Symbol %s has an invalid section index %u (max %u)". */
  symbolSectionIndexCheck: boolean;
  /**
   * How livepatch writes a patch module's late relocations (klp_init_object_loaded()):
   * 'module_disable_ro' — ≤ 5.7: the whole patch module writable again (text stays executable),
   *   plain stores, `.klp.arch` alternatives, module_enable_ro(); vmlinux included;
   * 'text_poke' — 5.8+: klp_apply_object_relocs() for module objects only, through text_poke().
   */
  klpLateRelocs: 'module_disable_ro' | 'text_poke';
  /** 6.3+: klp_clear_object_relocs() zeroes a patch's relocations when their target unloads. */
  klpClearRelocsOnGoing: boolean;
}

export const profiles: Record<KernelId, KernelProfile> = {
  '5.4': {
    id: '5.4',
    version: 'v5.4',
    relocationWrite: 'store',
    moduleMemory: false,
    klpVmlinuxRelocsAtLoad: false,
    elfCheck: '5.4',
    symbolSectionIndexCheck: false,
    klpLateRelocs: 'module_disable_ro',
    klpClearRelocsOnGoing: false,
  },
  '6.1': {
    id: '6.1',
    version: 'v6.1.192 (Debian 6.1.192-2)',
    relocationWrite: 'memcpy-or-text-poke',
    moduleMemory: false,
    klpVmlinuxRelocsAtLoad: true,
    elfCheck: '6.1',
    symbolSectionIndexCheck: true,
    klpLateRelocs: 'text_poke',
    klpClearRelocsOnGoing: false,
  },
  // 6.1's code with 6.3's klp_clear_object_relocs() (v6.3, "livepatch,x86: Clear relocation targets on a module removal")
  '6.3': {
    id: '6.3',
    version: 'v6.1.192 + v6.3 relocation clearing',
    relocationWrite: 'write-relocate-add',
    moduleMemory: false,
    klpVmlinuxRelocsAtLoad: true,
    elfCheck: '6.1',
    symbolSectionIndexCheck: true,
    klpLateRelocs: 'text_poke',
    klpClearRelocsOnGoing: true,
  },
  '6.4': {
    id: '6.4',
    version: 'v6.12.117 (Debian 6.12.117-1~deb12u1)',
    relocationWrite: 'write-relocate-add',
    moduleMemory: true,
    klpVmlinuxRelocsAtLoad: true,
    elfCheck: '6.1',
    symbolSectionIndexCheck: true,
    klpLateRelocs: 'text_poke',
    klpClearRelocsOnGoing: true,
  },
};
