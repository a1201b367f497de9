// Kernel versions the emulator follows, as data: where behaviour differs between versions the
// code asks the profile instead of testing a version number.

export type KernelId = '5.4' | '6.1' | '6.4';

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
  },
  '6.1': {
    id: '6.1',
    version: 'v6.1.192 (Debian 6.1.192-2)',
    relocationWrite: 'memcpy-or-text-poke',
    moduleMemory: false,
    klpVmlinuxRelocsAtLoad: true,
    elfCheck: '6.1',
    symbolSectionIndexCheck: true,
  },
  '6.4': {
    id: '6.4',
    version: 'v6.12.117 (Debian 6.12.117-1~deb12u1)',
    relocationWrite: 'write-relocate-add',
    moduleMemory: true,
    klpVmlinuxRelocsAtLoad: true,
    elfCheck: '6.1',
    symbolSectionIndexCheck: true,
  },
};
