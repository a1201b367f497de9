/// <reference lib="webworker" />
// The only place that parses: the UI thread sends file bytes here (transferred, not copied)
// and gets back the decoded ElfObject (relocation columns transferred back).
import * as Comlink from 'comlink';
import { openModule } from '../../src/module_file.ts';
import { parseKallsyms, type KallsymsEntry } from '../../src/kernel/kallsyms.ts';
import type { ElfObject } from '../../src/elf/types.ts';
import type { CompareRequest, ModuleWorkerApi, OpenReply, ScenarioRequest, SequenceRequest } from './protocol.ts';
import { prepareForTransfer } from './transferables.ts';
import { compareScenarioRequest, runScenarioRequest, runSequence } from './sequence.ts';
import { traceTransferables } from './trace_transfer.ts';

const kept = new Map<number, { bytes: Uint8Array; fileName: string }>();
/** Plain ELF bytes and decoded object per handle, for the emulated loader (decoded once). */
const decoded = new Map<number, { bytes: Uint8Array; elf: ElfObject }>();
let kallsyms: { vmlinux: KallsymsEntry[]; modules: KallsymsEntry[] } = { vmlinux: [], modules: [] };
let nextHandle = 1;

const api: ModuleWorkerApi = {
  async open(buffer: ArrayBuffer, fileName: string): Promise<OpenReply> {
    const bytes = new Uint8Array(buffer);
    const handle = nextHandle++;
    const t0 = performance.now();
    const result = await openModule(bytes, fileName);
    const parseMs = performance.now() - t0;
    if (!result.ok) {
      return { handle: 0, result, parseMs };
    }
    kept.set(handle, { bytes, fileName });
    const { elf, transfer } = prepareForTransfer(result.module.elf, buffer);
    const reply: OpenReply = { handle, result: { ok: true, module: { ...result.module, elf } }, parseMs };
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
  setKallsyms(text: string): void {
    const entries = parseKallsyms(text);
    kallsyms = { vmlinux: entries.filter((e) => !e.module), modules: entries.filter((e) => e.module) };
  },
  async loadSequence(request: SequenceRequest) {
    const reply = await runSequence(request, kallsyms, (h) => kept.get(h), decoded);
    return Comlink.transfer(reply, traceTransferables(reply.trace));
  },
  async runScenario(request: ScenarioRequest) {
    const reply = await runScenarioRequest(request, kallsyms, (h) => kept.get(h), decoded);
    return Comlink.transfer(reply, reply.trace ? traceTransferables(reply.trace) : []);
  },
  async compareScenario(request: CompareRequest) {
    const reply = await compareScenarioRequest(request, kallsyms, (h) => kept.get(h), decoded);
    return Comlink.transfer(reply, reply.columns.flatMap((c) => (c.trace ? traceTransferables(c.trace) : [])));
  },
  kept(): number {
    return kept.size;
  },
};

Comlink.expose(api);
