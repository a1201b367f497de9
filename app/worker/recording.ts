// A klp-capture recording read in the worker: the core parses it (src/recording/parse.ts) and
// makes it a trace (to_trace.ts); a file it refuses comes back as the parser's message, which
// names the line. Loaded on the first recording opened, like the engine on the first run.
import { parseRecording, RecordingError } from '../../src/recording/parse.ts';
import { recordingToTrace } from '../../src/recording/to_trace.ts';
import type { RecordingReply } from './protocol.ts';

export function openRecording(bytes: Uint8Array, fileName: string): RecordingReply {
  try {
    const trace = recordingToTrace(parseRecording(new TextDecoder('utf-8', { fatal: false }).decode(bytes)));
    const modules = [...new Set((trace.recorded?.ops ?? []).filter((o) => o.op === 'insmod').map((o) => o.module))];
    return { ok: true, trace, modules };
  } catch (e) {
    if (e instanceof RecordingError) return { ok: false, message: `${fileName}: ${e.message}` };
    throw e;
  }
}
