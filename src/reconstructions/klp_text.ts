// RECONSTRUCTION — per-object `.klp.text.<obj>` sections with loader hooks, as Miroslav Benes
// proposed and Jessica Yu sketched on 2019-10-18 (20191018130342.GA4625@linux-8ccs), and Petr
// Mladek's variant (unused sections read-only early). It never existed as code; this follows
// that thread on top of 5.4, through the kernel's hooks (KernelHooks, src/kernel/kernel_types.ts):
//  - the patch module's own load applies `.klp.rela.<obj>` only for objects already loaded;
//  - module_enable_ro()/module_enable_x() protect `.klp.text.<obj>` only for loaded objects —
//    the others stay RW+NX (Jessica) or become RO+NX (Petr);
//  - when <obj> loads, its apply_relocate_add() hook writes every patch's `.klp.rela.<obj>`
//    into that patch's `.klp.text.<obj>` (Petr: after making it writable again), and its
//    module_enable_ro() hook makes that section RO, then X;
//  - klp_module_coming()/klp_enable_patch() only register ftrace.
// Unload and reload were not worked out in the thread; klp-lab reverts the section to its
// pre-load permissions and leaves its relocations, so a reload meets them again.

import { SHF_RELA_LIVEPATCH, SIZEOF_SYM } from '../elf/constants.ts';
import { parseKlpRelaName, parseKlpSymbolName } from '../elf/klp_names.ts';
import { apply_relocate_add } from '../kernel/arch/x86/module.ts';
import { EINVAL } from '../kernel/errno.ts';
import type { Kernel, KernelHooks } from '../kernel/kernel_types.ts';
import { klp_find_object_symbol } from '../kernel/livepatch/core.ts';
import { type LoadError, loadError } from '../kernel/load_error.ts';
import { PAGE_SIZE } from '../kernel/mm/page.ts';
import { set_memory_nx, set_memory_ro, set_memory_rw, set_memory_x } from '../kernel/mm/set_memory.ts';
import { relaSection } from '../kernel/module/rela.ts';
import type { LoadInfo, Module } from '../kernel/module/types.ts';

export type KlpTextVariant = 'jessica' | 'petr';
const FILE = 'reconstruction of the Oct 2019 proposal (no kernel code)';

interface KlpTextSection {
  object: string;
  index: number;
  addr: bigint;
  pages: number;
}

/** The patch module's `.klp.text.<obj>` sections, where they are now. */
function klpTextSections(mod: Module): KlpTextSection[] {
  const info = mod.klp_info ?? mod.info;
  return info.sechdrs.flatMap((s, index) =>
    s.name.startsWith('.klp.text.')
      ? [{ object: s.name.slice('.klp.text.'.length), index, addr: s.addr, pages: Math.ceil(s.size / PAGE_SIZE) }]
      : [],
  );
}

const present = (k: Kernel, object: string, coming?: Module) =>
  object === 'vmlinux' ||
  coming?.name === object ||
  k.modules.some((m) => m.name === object && (m.state === 'COMING' || m.state === 'LIVE'));

/** Text ranges module_enable_ro()/module_enable_x() leave alone in a patch module (objects not loaded). */
function klpTextUnprotected(
  k: Kernel,
  variant: KlpTextVariant,
  mod: Module,
  call: 'ro' | 'x',
): Array<{ addr: bigint; pages: number }> {
  if (!mod.klp) return [];
  if (call === 'ro' && variant === 'petr') return []; // Petr: unused sections read-only too
  return klpTextSections(mod).filter((s) => !present(k, s.object));
}

/**
 * Resolve one `.klp.rela.<obj>` section's symbols and apply it to the patch module. When <obj>
 * is the module being loaded it is still UNFORMED, invisible to kallsyms, so its own symbol
 * table answers (the hook runs inside its load).
 */
function relocate(k: Kernel, pmod: Module, info: LoadInfo, relsec: number, coming?: Module): LoadError | null {
  const rel = relaSection(info, relsec);
  for (let i = 0; i < rel.count; i++) {
    const sym = info.elf.symbols[rel.symbols[i]!]!;
    const klp = parseKlpSymbolName(sym.name);
    if (!klp)
      return loadError(
        EINVAL,
        'klp_resolve_symbols',
        `livepatch: symbol ${sym.name} has an incorrectly formatted name`,
      );
    let addr: bigint | LoadError;
    if (coming && klp.object === coming.name) {
      const same = coming.info.elf.symbols.filter((s) => s.shndx !== 0 && s.name === klp.symbol);
      const hit = klp.sympos === 0 ? (same.length === 1 ? same[0] : undefined) : same[klp.sympos - 1];
      addr = hit
        ? coming.symbolValues[hit.index]!
        : loadError(EINVAL, 'klp_resolve_symbols', `livepatch: symbol '${klp.symbol}' not found in ${coming.name}`);
    } else addr = klp_find_object_symbol(k, klp.object === 'vmlinux' ? null : klp.object, klp.symbol, klp.sympos);
    if (typeof addr !== 'bigint') return addr;
    pmod.symbolValues[sym.index] = addr;
    const v = new Uint8Array(8);
    new DataView(v.buffer).setBigUint64(0, addr, true);
    k.mem.write(info.sechdrs[info.index.sym]!.addr + BigInt(sym.index * SIZEOF_SYM) + 8n, v, 'store', {
      what: `st_value of ${sym.name}`,
    });
  }
  return k.trace.call('apply_relocate_add', () => apply_relocate_add(k, pmod, info, relsec));
}

/**
 * The loader's SHF_RELA_LIVEPATCH case with the hook: only for objects already there. The split
 * POC's sub-modules take the same path (their target is there by construction).
 */
export function klp_text_apply_own(k: Kernel, pmod: Module, info: LoadInfo, relsec: number): LoadError | null {
  const name = info.sechdrs[relsec]!.name;
  const object = parseKlpRelaName(name)?.object;
  if (!object)
    return loadError(
      EINVAL,
      'klp_apply_section_relocs',
      `livepatch: section ${name} has an incorrectly formatted name`,
    );
  if (!present(k, object)) {
    k.trace.step(`${name}: ${object} is not loaded — left for its own load (hook)`, {
      module: pmod.name,
      file: FILE,
      fn: 'apply_relocate_add',
    });
    return null;
  }
  k.trace.step(`${name}: ${object} is loaded — relocate now, while the patch is still RW (hook)`, {
    module: pmod.name,
    file: FILE,
    fn: 'apply_relocate_add',
  });
  return relocate(k, pmod, info, relsec);
}

function patchesOf(k: Kernel, object: string): Array<{ pmod: Module; section: KlpTextSection }> {
  return k.modules.flatMap((p) =>
    p.klp && p.klp_info
      ? klpTextSections(p)
          .filter((s) => s.object === object)
          .map((section) => ({ pmod: p, section }))
      : [],
  );
}

/** The coming module's apply_relocate_add() hook: every patch's `.klp.rela.<it>` into that patch. */
function klp_text_relocate_coming(k: Kernel, variant: KlpTextVariant, tmod: Module): LoadError | null {
  for (const { pmod, section } of patchesOf(k, tmod.name)) {
    const info = pmod.klp_info!;
    k.trace.step(`hook: ${pmod.name}'s .klp.text.${tmod.name} is relocated for the arriving ${tmod.name}`, {
      module: pmod.name,
      file: FILE,
      fn: 'apply_relocate_add',
    });
    if (variant === 'petr')
      k.trace.call('module_section_disable_ro', () => set_memory_rw(k.mem, k.trace, section.addr, section.pages));
    for (const [i, s] of info.sechdrs.entries()) {
      if (!(s.flags & SHF_RELA_LIVEPATCH) || parseKlpRelaName(s.name)?.object !== tmod.name) continue;
      const err = relocate(k, pmod, info, i, tmod);
      if (err) return err;
    }
  }
  return null;
}

/** The coming module's module_enable_ro() hook: the patch's section for it becomes RO, then X. */
function klp_text_protect_coming(k: Kernel, tmod: Module): void {
  for (const { pmod, section } of patchesOf(k, tmod.name)) {
    k.trace.step(`hook: ${pmod.name}'s .klp.text.${tmod.name} becomes read-only, then executable`, {
      module: pmod.name,
      file: FILE,
      fn: 'module_enable_ro',
    });
    set_memory_ro(k.mem, k.trace, section.addr, section.pages);
    set_memory_x(k.mem, k.trace, section.addr, section.pages);
  }
}

/** Unspecified in the thread: the section goes back to how it was before the target came. */
function klp_text_going(k: Kernel, variant: KlpTextVariant, tmod: Module): void {
  for (const { pmod, section } of patchesOf(k, tmod.name)) {
    k.trace.step(
      `(reconstruction) ${pmod.name}'s .klp.text.${tmod.name} is no longer executable${variant === 'jessica' ? ', and writable again' : ''}; its relocations stay`,
      {
        module: pmod.name,
        file: FILE,
        fn: 'klp_module_going',
      },
    );
    set_memory_nx(k.mem, k.trace, section.addr, section.pages);
    if (variant === 'jessica') set_memory_rw(k.mem, k.trace, section.addr, section.pages);
  }
}

/** The kernel's hooks for one variant of the proposal. */
export function klpTextHooks(variant: KlpTextVariant): KernelHooks {
  return {
    klpRelaAtLoad: klp_text_apply_own,
    afterApplyRelocations: (k, mod) => klp_text_relocate_coming(k, variant, mod),
    frobTextSkip: (k, mod, call) => klpTextUnprotected(k, variant, mod, call),
    afterModuleEnableX: klp_text_protect_coming,
    klpRelocsByLoader: true,
    inKlpModuleGoing: (k, mod) => klp_text_going(k, variant, mod),
  };
}
