// The explainer's view state (zustand, vanilla: the canvas and key handlers subscribe outside
// React). What to run, the trace on screen, its step (the player's cursor), what is selected.
// Derived data lives in model.ts; boot() sets the first request.

import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { Outcome } from '../../../src/engine/run.ts';
import type { Packaging } from '../../../src/engine/scenario.ts';
import type { Trace } from '../../../src/trace/types.ts';
import { takeLinkedStep } from '../../permalink/start_link.ts';
import { type OpenedRecording, useKlp } from '../../store.ts';
import { compareStore } from '../compare/compare_store.ts';
import { type Cursor, type Player, playerSlice } from '../player/player.ts';
import { phaseNeighbour, traceModel } from './model.ts';
import { type AppRequest, DEFAULT_SOURCE } from './request.ts';
import { runSource } from './run.ts';

export type Selection = { kind: 'none' } | { kind: 'write'; step: number; event: number };

export type RunStatus =
  | { kind: 'idle' }
  | { kind: 'running' }
  | { kind: 'ready'; runMs: number; totalMs: number }
  | { kind: 'error'; message: string };

export interface ExplainState extends Player {
  /** What to run (the picker edits it; run() turns it into a trace). */
  source: AppRequest;
  /** The source of the trace on screen (the picker may have been edited since). */
  ran: AppRequest | null;
  status: RunStatus;
  trace: Trace | null;
  /** What happened to each requested insmod/rmmod. */
  outcomes: Outcome[];
  /** How the strategy of a scenario run repackages the livepatch (klp-text, split…). */
  packaging?: Packaging | undefined;
  /** Current step index (the player's cursor); the map shows memory at the end of this step. */
  step: number;
  selection: Selection;
  /** Incremented per run: a reply for an older run is dropped. */
  seq: number;
  /** The trace on screen is this recording of a real kernel (not a run of `source`). */
  recording: OpenedRecording | null;
  /** The recording is shown beside its emulation (the comparison store holds both). */
  recordingCompared: boolean;

  setSource(source: AppRequest): void;
  run(): Promise<void>;
  select(selection: Selection): void;
  /** Shows a recording as the trace on screen (a run still under way is dropped). */
  showRecording(recording: OpenedRecording): void;
  /** Between the recording alone and the recording beside its emulation. */
  setRecordingCompared(compared: boolean): void;
}

/** The single view's player moves the steps of the trace on screen, a phase at a time with [ ]. */
const steps: Cursor<ExplainState> = {
  at: (s) => s.step,
  to: (step) => ({ step }),
  count: (s) => s.trace?.steps.length ?? 0,
  section: (s, step, dir) => (s.trace ? phaseNeighbour(traceModel(s.trace), step, dir) : step),
};

const clampStep = (trace: Trace, n: number) => Math.max(0, Math.min(trace.steps.length - 1, Math.round(n)));

export const explainStore = createStore<ExplainState>()((set, get) => ({
  ...playerSlice(set, get, steps),
  source: DEFAULT_SOURCE,
  ran: null,
  status: { kind: 'idle' },
  trace: null,
  outcomes: [],
  step: 0,
  selection: { kind: 'none' },
  seq: 0,
  recording: null,
  recordingCompared: false,

  setSource: (source) => set({ source }),

  run: async () => {
    const seq = get().seq + 1;
    set({ seq, status: { kind: 'running' }, playing: false, recording: null, recordingCompared: false });
    const source = get().source;
    if (source.kind === 'compare') {
      // The comparison has its own store and cursor; this one only remembers what is on screen.
      set({
        trace: null,
        ran: source,
        outcomes: [],
        packaging: undefined,
        status: { kind: 'ready', runMs: 0, totalMs: 0 },
      });
      await compareStore.getState().run(source);
      return;
    }
    try {
      const r = await runSource(source, useKlp.getState().builtins);
      if (get().seq !== seq) return;
      if (!r.trace) {
        set({
          trace: null,
          ran: source,
          outcomes: [],
          packaging: undefined,
          status: { kind: 'error', message: r.refused ?? 'no trace' },
        });
        return;
      }
      traceModel(r.trace);
      // The permalink's step and selection, on the first run of the linked source.
      const linked = takeLinkedStep(source, useKlp.getState().files, r.trace.steps);
      const step = clampStep(r.trace, linked.step ?? 0);
      const selection: Selection = linked.select ? { kind: 'write', ...linked.select } : { kind: 'none' };
      set({
        trace: r.trace,
        ran: source,
        outcomes: r.outcomes,
        packaging: r.packaging,
        step,
        selection,
        status: { kind: 'ready', runMs: r.runMs, totalMs: r.totalMs },
      });
    } catch (e) {
      if (get().seq !== seq) return;
      set({ status: { kind: 'error', message: e instanceof Error ? e.message : String(e) } });
    }
  },

  select: (selection) => set({ selection }),

  showRecording: (recording) => {
    const trace = recording.trace;
    traceModel(trace);
    set({
      seq: get().seq + 1,
      playing: false,
      recording,
      recordingCompared: false,
      trace,
      ran: null,
      outcomes: (trace.recorded?.ops ?? []).map((o) => ({
        what: o.op === 'insmod' ? `insmod ${o.module}.ko` : `${o.op} ${o.module}`,
        ok: o.ok,
        ...(o.ok ? {} : { message: o.message ?? o.errno ?? 'refused' }),
      })),
      packaging: undefined,
      step: 0,
      selection: { kind: 'none' },
      status: { kind: 'ready', runMs: 0, totalMs: 0 },
    });
  },

  setRecordingCompared: (recordingCompared) => set({ recordingCompared, playing: false }),
}));

export function useExplain<T>(selector: (s: ExplainState) => T): T {
  return useStore(explainStore, selector);
}
