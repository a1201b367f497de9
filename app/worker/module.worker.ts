/// <reference lib="webworker" />
// The only place that parses: the UI thread sends file bytes here (transferred, not copied)
// and gets back the decoded ElfObject (relocation columns transferred back).
import * as Comlink from 'comlink';
import { openModule } from '../../src/module_file.ts';
import type { ModuleWorkerApi, OpenReply } from './protocol.ts';
import { prepareForTransfer } from './transferables.ts';

const kept = new Map<number, { bytes: Uint8Array; fileName: string }>();
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
  },
  kept(): number {
    return kept.size;
  },
};

Comlink.expose(api);
