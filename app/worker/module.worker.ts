/// <reference lib="webworker" />
// The only place that parses: the UI thread sends file bytes here (transferred, not copied)
// and gets back the decoded ElfObject (a copy of its relocation columns transferred back; the
// worker keeps the decoded object for the emulated loader).
import * as Comlink from 'comlink';
import { SHT_NOBITS } from '../../src/elf/constants.ts';
import type { ElfObject, ElfSection } from '../../src/elf/types.ts';
import { KERNEL_IDS } from '../../src/engine/kernels.ts';
import { type KallsymsEntry, parseKallsyms } from '../../src/kernel/kallsyms.ts';
import type { KernelId } from '../../src/kernel/profile.ts';
import { decodeModule } from '../../src/module_file.ts';
import type { ModuleWorkerApi, OpenReply, RecordingReply, SectionBytesReply, WorkerRequest } from './protocol.ts';
import { resultTransferables, traceTransferables } from './trace_transfer.ts';
import { prepareForTransfer } from './transferables.ts';

// The emulated kernel is imported on the first run: opening a file (the first screen) needs only
// the ELF reader, and the kernel is most of the worker's size.
const engine = () => import('./run.ts');
const recordings = () => import('./recording.ts');

/**
 * The bytes of every open file, by handle: the plain ELF once decoded (open() decompresses, so a
 * .ko.xz is not decompressed again for a run or a hex view), with its section headers when known.
 */
const kept = new Map<number, { bytes: Uint8Array; fileName: string; sections?: ElfSection[] }>();
/** Plain ELF bytes and decoded object per handle, for the emulated loader (decoded once). */
const decoded = new Map<number, { bytes: Uint8Array; elf: ElfObject }>();
type Table = { vmlinux: KallsymsEntry[]; modules: KallsymsEntry[] };
/** vmlinux tables by name ('default': the one the samples were built for). */
const tables = new Map<string, Table>();
let nextHandle = 1;

const api: ModuleWorkerApi = {
  async open(buffer: ArrayBuffer, fileName: string): Promise<OpenReply> {
    const handle = nextHandle++;
    const t0 = performance.now();
    const r = await decodeModule(new Uint8Array(buffer), fileName);
    const parseMs = performance.now() - t0;
    if (!r.ok) {
      return { handle: 0, result: r, parseMs };
    }
    kept.set(handle, { bytes: r.bytes, fileName, sections: r.module.elf.sections });
    decoded.set(handle, { bytes: r.bytes, elf: r.module.elf });
    const { elf, transfer, shared } = prepareForTransfer(r.module.elf);
    const reply: OpenReply = {
      handle,
      result: { ok: true, module: { ...r.module, elf } },
      parseMs,
      ...(shared ? { shared } : {}),
    };
    return Comlink.transfer(reply, transfer);
  },
  release(handle: number): void {
    kept.delete(handle);
    decoded.delete(handle);
  },
  stash(buffer: ArrayBuffer, fileName: string): number {
    const handle = nextHandle++;
    kept.set(handle, { bytes: new Uint8Array(buffer), fileName });
    return handle;
  },
  setKallsyms(text: string, table = 'default'): void {
    const entries = parseKallsyms(text);
    tables.set(table, { vmlinux: entries.filter((e) => !e.module), modules: entries.filter((e) => e.module) });
  },
  async run(request: WorkerRequest, table = 'default') {
    const symbols = tables.get(table) ?? { vmlinux: [], modules: [] };
    // a table named by a kernel profile ('6.12') is that kernel's own: runs on it resolve there
    const vmlinuxOf: Partial<Record<KernelId, KallsymsEntry[]>> = {};
    for (const k of KERNEL_IDS) {
      const own = tables.get(k);
      if (own) vmlinuxOf[k] = own.vmlinux;
    }
    const result = await (await engine()).runRequest(request, { ...symbols, vmlinuxOf }, (h) => kept.get(h), decoded);
    return Comlink.transfer(result, resultTransferables(result));
  },
  async openRecording(buffer: ArrayBuffer, fileName: string): Promise<RecordingReply> {
    const reply = (await recordings()).openRecording(new Uint8Array(buffer), fileName);
    return reply.ok ? Comlink.transfer(reply, traceTransferables(reply.trace)) : reply;
  },
  async sectionBytes(handle: number, index: number, offset: number, length: number): Promise<SectionBytesReply> {
    const file = kept.get(handle);
    if (!file) throw new Error('that file is no longer open');
    if (!file.sections) {
      // a stashed sample: decode it once (the emulator would anyway)
      const d = decoded.get(handle) ?? (await decodeOrThrow(file.bytes, file.fileName));
      decoded.set(handle, d);
      file.bytes = d.bytes;
      file.sections = d.elf.sections;
    }
    const sec = file.sections[index];
    if (!sec) throw new Error(`no section [${index}] in ${file.fileName}`);
    const size = Number(sec.size);
    const nobits = sec.type === SHT_NOBITS;
    const from = Math.max(0, Math.min(size, Math.floor(offset)));
    const to = nobits
      ? from
      : Math.max(from, Math.min(size, from + Math.floor(length), file.bytes.length - Number(sec.offset)));
    // A copy of just the window (the kept bytes stay), handed over without a second copy.
    const bytes = file.bytes.slice(Number(sec.offset) + from, Number(sec.offset) + to);
    return Comlink.transfer({ name: sec.name, size, nobits, offset: from, bytes }, [bytes.buffer]);
  },
  kept(): number {
    return kept.size;
  },
};

async function decodeOrThrow(bytes: Uint8Array, fileName: string): Promise<{ bytes: Uint8Array; elf: ElfObject }> {
  const r = await decodeModule(bytes, fileName);
  if (!r.ok) throw new Error(r.error.message || r.error.errnoName);
  return { bytes: r.bytes, elf: r.module.elf };
}

Comlink.expose(api);
