// Registering and unregistering an ftrace_ops that owns one function's entry, as livepatch does
// (kernel/trace/ftrace.c and arch/x86/kernel/ftrace.c, 6.1): ftrace_set_filter_ip() +
// register_ftrace_function() give the ops its own trampoline — module_alloc()ed, then made
// read-only and executable — and turn the function's 5-byte fentry NOP into a call to it with
// text_poke_bp(); unregistering puts the NOP back and frees the trampoline.
import { SHF_ALLOC } from '../../elf/constants.ts';
import { text_poke_queue_finish } from '../arch/x86/text_poke.ts';
import type { Kernel } from '../kernel.ts';
import { hex, PAGE_SIZE } from '../mm/page.ts';
import { set_memory_ro, set_memory_x } from '../mm/set_memory.ts';
import { within_module } from '../module/within.ts';

export const FENTRY_NOP = Uint8Array.of(0x0f, 0x1f, 0x44, 0x00, 0x00);

/**
 * ftrace_location(): the address of the function's fentry call site if ftrace knows it. For a
 * module that is one of its __mcount_loc entries; for vmlinux the dump has no mcount table, so
 * a function's own address is taken (Debian's 6.1 functions start with their fentry call; no IBT
 * endbr in front).
 */
export function ftrace_location(k: Kernel, addr: bigint): bigint | undefined {
  const owner = k.modules.find((m) => m.state !== 'GONE' && within_module(addr, m));
  if (!owner) return k.vmlinux.entries.some((e) => e.addr === addr) ? addr : undefined;
  const mcount = owner.info.sechdrs.find((s) => s.name === '__mcount_loc' && s.flags & SHF_ALLOC);
  if (!mcount) return undefined;
  const table = k.mem.read(mcount.addr, mcount.size);
  const dv = new DataView(table.buffer);
  for (let p = 0; p + 8 <= table.length; p += 8) if (dv.getBigUint64(p, true) === addr) return addr;
  return undefined;
}

/** vmlinux text is not emulated byte for byte: map the page around a patched function, RX, with its fentry NOP. */
function ensureVmlinuxSite(k: Kernel, site: bigint): void {
  if (k.mem.isMapped(site)) return;
  const page = site & ~BigInt(PAGE_SIZE - 1);
  k.mem.map(page, 1, { write: true, exec: false });
  k.mem.copyIn(site, FENTRY_NOP);
  k.mem.setPerm(page, { write: false, exec: true });
  k.trace.emit({
    kind: 'alloc',
    region: { module: 'vmlinux', name: `text @${hex(page)}`, base: page, size: PAGE_SIZE },
    perm: { write: false, exec: true },
    caller: 'vmlinux text, mapped at boot (only its ftrace sites are modelled)',
  });
}

function callTo(site: bigint, target: bigint): Uint8Array {
  const out = new Uint8Array(5);
  out[0] = 0xe8;
  new DataView(out.buffer).setInt32(1, Number(BigInt.asIntN(32, target - (site + 5n))), true);
  return out;
}

/** register_ftrace_function() for one site; returns the trampoline's address. */
export function register_ftrace_function(k: Kernel, site: bigint, label: string): bigint | undefined {
  return k.trace.call('register_ftrace_function', () => {
    if (site < 0xffffffffc0000000n) ensureVmlinuxSite(k, site);
    k.trace.step(`ftrace: a trampoline for ${label}`, { file: 'arch/x86/kernel/ftrace.c', fn: 'create_trampoline' });
    const tramp = k.trace.call('create_trampoline', () =>
      k.moduleArea.module_alloc('ftrace', `trampoline ${label}`, PAGE_SIZE),
    );
    if (tramp === undefined) return undefined;
    // its code is copied from vmlinux's ftrace_regs_caller, whose bytes the emulator does not have
    set_memory_ro(k.mem, k.trace, tramp, 1);
    set_memory_x(k.mem, k.trace, tramp, 1);
    k.trace.step(`ftrace: ${label}'s fentry NOP becomes a call to the trampoline`, {
      file: 'kernel/trace/ftrace.c',
      fn: 'ftrace_replace_code',
    });
    k.trace.call('text_poke_bp_batch', () =>
      text_poke_queue_finish(
        k,
        [{ addr: site, bytes: callTo(site, tramp), what: `ftrace: call trampoline (${label})` }],
        `ftrace ${label}`,
      ),
    );
    return tramp;
  });
}

/** unregister_ftrace_function(): the fentry call becomes the NOP again; the trampoline is freed. */
export function unregister_ftrace_function(k: Kernel, site: bigint, trampoline: bigint, label: string): void {
  k.trace.call('unregister_ftrace_function', () => {
    k.trace.step(`ftrace: ${label}'s fentry call becomes a NOP again`, {
      file: 'kernel/trace/ftrace.c',
      fn: 'ftrace_replace_code',
    });
    if (k.mem.isMapped(site))
      k.trace.call('text_poke_bp_batch', () =>
        text_poke_queue_finish(
          k,
          [{ addr: site, bytes: FENTRY_NOP, what: `ftrace: nop (${label})` }],
          `ftrace ${label}`,
        ),
      );
    k.trace.step(`ftrace: free ${label}'s trampoline`, {
      file: 'arch/x86/kernel/ftrace.c',
      fn: 'arch_ftrace_trampoline_free',
    });
    k.moduleArea.module_memfree(trampoline);
  });
}
