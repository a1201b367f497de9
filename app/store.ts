// UI state (zustand). The UI never parses: bytes go to the worker, decoded objects come back.
import { create } from 'zustand';
import type { LoadError } from '../src/kernel/load_error.ts';
import { checkModuleFileSize } from '../src/kernel/read_file.ts';
import type { OpenedModule } from '../src/module_file.ts';
import { sha256Hex } from '../src/permalink/sha256.ts';
import { isRecording } from '../src/recording/detect.ts';
import type { Trace } from '../src/trace/types.ts';
import { type BuiltinModule, fetchBuiltinBytes } from './builtin_modules.ts';
import { ModuleWorkerClient, WorkerCancelledError, WorkerCrashedError } from './worker/client.ts';

export type TabId = 'header' | 'sections' | 'symbols' | 'relocations' | 'hex' | 'modinfo' | 'signature';
export const TABS: ReadonlyArray<{ id: TabId; label: string }> = [
  { id: 'header', label: 'ELF header' },
  { id: 'sections', label: 'Sections' },
  { id: 'symbols', label: 'Symbols' },
  { id: 'relocations', label: 'Relocations' },
  { id: 'hex', label: 'Hex' },
  { id: 'modinfo', label: 'Modinfo' },
  { id: 'signature', label: 'Signature' },
];

export interface LoadedFile {
  key: string;
  name: string;
  origin: 'sample' | 'file';
  /** A user's own file is named in permalinks by its content (files are never uploaded). */
  sha256?: string | undefined;
  module: OpenedModule;
  /** Handle of the bytes the worker keeps (replaced when a new worker gets the bytes again). */
  handle: number;
  /** Reads the bytes again (the File, or the sample's URL) for a worker that replaced a lost one. */
  reread: () => Promise<ArrayBuffer>;
  /** Decode time inside the worker, ms. */
  parseMs: number;
  /** From the user's request (read/fetch included) to the decoded object in the UI thread, ms. */
  totalMs: number;
}

export type AppError =
  | { kind: 'load-error'; fileName: string; error: LoadError }
  | { kind: 'app-error'; fileName?: string | undefined; message: string };

export interface Busy {
  seq: number;
  fileName: string;
  size?: number | undefined;
}

/** Bytes highlighted in the Hex tab: a relocation site, with what it is. */
export interface HexHighlight {
  offset: number;
  length: number;
  label?: string;
}

/** A klp-capture recording the user opened: what a real kernel did, as a trace (the worker read it). */
export interface OpenedRecording {
  fileName: string;
  trace: Trace;
  /** The modules its insmods load, in order (the .ko files a comparison with the emulation needs). */
  modules: string[];
}

/** Top-level view: the ELF inspector or the loader explainer. */
export type AppView = 'inspect' | 'explain';

export interface KlpState {
  view: AppView;
  builtins: BuiltinModule[];
  files: LoadedFile[];
  currentKey: string | null;
  tab: TabId;
  /** Section index selected in the Sections tab. */
  selectedSection: number | null;
  /** Symbol index selected in the Symbols tab. */
  selectedSymbol: number | null;
  /** Section index of the relocation section shown in the Relocations tab. */
  relocationSection: number | null;
  /** Entry selected in the Relocations tab (an entry of `relocationSection`). */
  selectedRelocation: number | null;
  /** Section shown in the Hex tab, and the byte range highlighted in it (a relocation site). */
  hex: { section: number; highlight?: HexHighlight } | null;
  /** Why the last link between the views could not be followed (shown where it was clicked). */
  linkNote: string | null;
  error: AppError | null;
  busy: Busy | null;
  /** Incremented by every open request; a reply for an older request is dropped (newer wins). */
  seq: number;
  /** The last recording opened (the explainer shows it); files that are modules go to `files`. */
  recording: OpenedRecording | null;

  setView(view: AppView): void;
  setBuiltins(builtins: BuiltinModule[]): void;
  openBuffer(
    buffer: ArrayBuffer,
    fileName: string,
    origin: 'sample' | 'file',
    reread?: () => Promise<ArrayBuffer>,
  ): Promise<void>;
  openFile(file: File): Promise<void>;
  openBuiltin(sample: BuiltinModule): Promise<void>;
  selectFile(key: string): void;
  closeFile(key: string): void;
  setTab(tab: TabId): void;
  selectSection(index: number | null): void;
  selectSymbol(index: number | null): void;
  showRelocations(sectionIndex: number | null): void;
  selectRelocation(entry: number | null): void;
  /** Opens the Relocations tab on one entry of a relocation section, selected and scrolled to. */
  showRelocationEntry(sectionIndex: number, entry: number): void;
  /** Opens the Symbols tab on one symbol, selected and scrolled to. */
  showSymbol(index: number): void;
  /** Opens the Hex tab on a section, optionally highlighting (and scrolling to) a byte range. */
  showHex(section: number, highlight?: HexHighlight): void;
  dismissError(): void;
  setLinkNote(note: string | null): void;
  reportWorkerCrash(message: string): void;
}

let client: ModuleWorkerClient | null = null;
/** The one module worker: the inspector's decoded files and the explainer's runs share its handles. */
export function worker(): ModuleWorkerClient {
  if (!client) {
    client = new ModuleWorkerClient((message) => useKlp.getState().reportWorkerCrash(message));
    client.onRestart = () => void resendKeptFiles();
  }
  return client;
}

/**
 * A replaced worker lost the bytes of the files open in the UI: read each again (File objects
 * can be re-read, builtins re-fetched) and hand them to the new worker, so every open file keeps
 * working — its hex view, its runs.
 */
async function resendKeptFiles(): Promise<void> {
  for (const f of useKlp.getState().files) {
    try {
      const reply = await worker().open(await f.reread(), f.name);
      if (!reply.result.ok) continue;
      useKlp.setState((s) => ({ files: s.files.map((x) => (x.key === f.key ? { ...x, handle: reply.handle } : x)) }));
    } catch {
      // the new worker failed too; its own failure is reported
    }
  }
}

let nextKey = 1;
const startedAt = new Map<number, number>();

const freshSelection = {
  selectedSection: null,
  selectedSymbol: null,
  relocationSection: null,
  selectedRelocation: null,
  hex: null,
} as const;

export const useKlp = create<KlpState>()((set, get) => {
  /** Starts a request; returns its number. Any earlier request still running loses. */
  function begin(fileName: string, size?: number): number {
    const seq = get().seq + 1;
    startedAt.clear();
    startedAt.set(seq, performance.now());
    set({ seq, busy: { seq, fileName, size }, error: null });
    return seq;
  }
  const isCurrent = (seq: number) => get().seq === seq;

  function fail(seq: number, error: AppError): void {
    if (!isCurrent(seq)) return;
    set({ busy: null, error });
  }

  /** A recording goes to the explainer (told by its header line, whatever the file's name). */
  async function openRecording(seq: number, buffer: ArrayBuffer, fileName: string) {
    try {
      const reply = await worker().openRecording(buffer, fileName);
      if (!isCurrent(seq)) return;
      if (!reply.ok) {
        fail(seq, { kind: 'app-error', fileName, message: reply.message });
        return;
      }
      set({
        recording: { fileName, trace: reply.trace, modules: reply.modules },
        view: 'explain',
        busy: null,
        error: null,
      });
    } catch (e) {
      if (e instanceof WorkerCancelledError) return;
      fail(seq, { kind: 'app-error', fileName, message: e instanceof Error ? e.message : String(e) });
    }
  }

  async function decode(
    seq: number,
    buffer: ArrayBuffer,
    fileName: string,
    origin: 'sample' | 'file',
    reread: () => Promise<ArrayBuffer>,
  ) {
    if (isRecording(new Uint8Array(buffer))) {
      await openRecording(seq, buffer, fileName);
      return;
    }
    try {
      // A user's own file is named in permalinks by its content hash (the bytes go to the worker next).
      const sha256 = origin === 'file' ? await sha256Hex(new Uint8Array(buffer)) : undefined;
      const reply = await worker().open(buffer, fileName);
      if (!isCurrent(seq)) {
        void worker().release(reply.handle);
        return;
      }
      if (!reply.result.ok) {
        fail(seq, { kind: 'load-error', fileName, error: reply.result.error });
        return;
      }
      const file: LoadedFile = {
        key: `f${nextKey++}`,
        name: fileName,
        origin,
        sha256,
        module: reply.result.module,
        handle: reply.handle,
        reread,
        parseMs: reply.parseMs,
        totalMs: performance.now() - (startedAt.get(seq) ?? performance.now()),
      };
      set((s) => ({ files: [...s.files, file], currentKey: file.key, busy: null, error: null, ...freshSelection }));
    } catch (e) {
      if (e instanceof WorkerCancelledError) return; // a newer request stopped it on purpose
      const message =
        e instanceof WorkerCrashedError
          ? e.message
          : `Internal error while decoding: ${e instanceof Error ? e.message : String(e)}`;
      fail(seq, { kind: 'app-error', fileName, message });
    }
  }

  return {
    // boot() sets the view the start link names
    view: 'inspect',
    builtins: [],
    files: [],
    currentKey: null,
    tab: 'sections',
    ...freshSelection,
    linkNote: null,
    error: null,
    busy: null,
    seq: 0,
    recording: null,

    setView: (view) => set({ view }),
    setBuiltins: (builtins) => set({ builtins }),

    openBuffer: async (buffer, fileName, origin, reread) => {
      const seq = begin(fileName, buffer.byteLength);
      // The worker takes `buffer` (transferred): without a source to read again, keep a copy.
      const kept = reread ? null : buffer.slice(0);
      await decode(seq, buffer, fileName, origin, reread ?? (async () => kept!.slice(0)));
    },

    openFile: async (file) => {
      // A newer file wins over one the worker is still busy with (a runaway decode is stopped).
      if (get().busy) worker().cancel('A newer file was opened.');
      const seq = begin(file.name, file.size);
      const tooBig = checkModuleFileSize(file.size);
      if (tooBig) {
        fail(seq, { kind: 'load-error', fileName: file.name, error: tooBig });
        return;
      }
      let buffer: ArrayBuffer;
      try {
        buffer = await file.arrayBuffer();
      } catch (e) {
        fail(seq, { kind: 'app-error', fileName: file.name, message: `Could not read the file: ${String(e)}` });
        return;
      }
      if (!isCurrent(seq)) return;
      await decode(seq, buffer, file.name, 'file', () => file.arrayBuffer());
    },

    openBuiltin: async (sample) => {
      const fileName = sample.file.split('/').pop() ?? sample.file;
      const seq = begin(fileName);
      let buffer: ArrayBuffer;
      try {
        buffer = await fetchBuiltinBytes(sample);
      } catch (e) {
        fail(seq, {
          kind: 'app-error',
          fileName,
          message: `Could not fetch the built-in sample: ${e instanceof Error ? e.message : String(e)}`,
        });
        return;
      }
      if (!isCurrent(seq)) return;
      await decode(seq, buffer, fileName, 'sample', () => fetchBuiltinBytes(sample));
    },

    selectFile: (key) => {
      if (get().currentKey !== key) set({ currentKey: key, ...freshSelection });
    },

    closeFile: (key) => {
      const { files, currentKey } = get();
      const at = files.findIndex((f) => f.key === key);
      if (at < 0) return;
      const closing = files[at]!;
      void worker().release(closing.handle);
      const rest = files.filter((f) => f.key !== key);
      const next = currentKey === key ? (rest[Math.min(at, rest.length - 1)]?.key ?? null) : currentKey;
      set({ files: rest, currentKey: next, ...(currentKey === key ? freshSelection : {}) });
    },

    setTab: (tab) => set({ tab }),
    selectSection: (index) => set({ selectedSection: index }),
    selectSymbol: (index) => set({ selectedSymbol: index }),
    showRelocations: (sectionIndex) =>
      set((s) => ({
        tab: 'relocations',
        relocationSection: sectionIndex,
        selectedRelocation: s.relocationSection === sectionIndex ? s.selectedRelocation : null,
      })),
    selectRelocation: (entry) => set({ selectedRelocation: entry, linkNote: null }),
    showRelocationEntry: (sectionIndex, entry) =>
      set({ tab: 'relocations', relocationSection: sectionIndex, selectedRelocation: entry }),
    showSymbol: (index) => set({ tab: 'symbols', selectedSymbol: index }),
    showHex: (section, highlight) => set({ tab: 'hex', hex: { section, ...(highlight ? { highlight } : {}) } }),
    dismissError: () => set({ error: null }),
    setLinkNote: (linkNote) => set({ linkNote }),

    reportWorkerCrash: (message) => {
      set({ busy: null, error: { kind: 'app-error', fileName: get().busy?.fileName, message } });
    },
  };
});

export function useCurrentFile(): LoadedFile | null {
  return useKlp((s) => s.files.find((f) => f.key === s.currentKey) ?? null);
}
