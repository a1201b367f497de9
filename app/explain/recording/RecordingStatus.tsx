// Above a recording shown alone: that it is a real kernel's (badge), which kernel and file, what
// each operation did there, and the way to the comparison with the emulation — or which .ko files
// it still needs.
import { kernelChoices } from '../../../src/engine/kernels.ts';
import { type OpenedRecording, useKlp } from '../../store.ts';
import { explainStore, useExplain } from '../state/explain_store.ts';
import { compareRecordingWithEmulation } from './compare_recording.ts';
import { recordingModules } from './recording_modules.ts';

export function RecordedBadge() {
  return (
    <span
      className="recorded-badge"
      data-testid="recorded-badge"
      title="What a real kernel did, recorded by capture/klp-capture: its steps, addresses and set_memory_* calls"
    >
      real kernel (recorded)
    </span>
  );
}

export function RecordingStatus({ recording }: { recording: OpenedRecording }) {
  const outcomes = useExplain((s) => s.outcomes);
  const files = useKlp((s) => s.files);
  const r = recording.trace.recorded!;
  const { kernel, missing, builtinOnly } = recordingModules(recording, files);
  return (
    <div className="recording-status" data-testid="recording-status">
      <p className="run-status">
        <RecordedBadge /> <b className="mono">{r.release}</b> (Linux {r.version}),{' '}
        <span className="mono">{recording.fileName}</span>: {recording.trace.steps.length} steps.{' '}
        {outcomes.map((o, i) => (
          <span key={i} className={o.ok ? 'ok-text' : 'error-text'} data-testid="outcome">
            {o.what}: {o.ok ? 'ok' : o.message}
            {i < outcomes.length - 1 ? '; ' : ''}
          </span>
        ))}
      </p>
      <p className="recording-actions">
        {missing.length ? (
          <span className="muted" data-testid="recording-missing">
            To compare with the emulation, open the .ko file{missing.length === 1 ? '' : 's'} it loaded:{' '}
            {missing.map((m) => (
              <code key={m}>{m}.ko</code>
            ))}{' '}
            (Open module… or drop {missing.length === 1 ? 'it' : 'them'} here).
          </span>
        ) : (
          <button
            type="button"
            className="primary"
            data-testid="compare-recording"
            onClick={() => void compareRecordingWithEmulation(recording)}
          >
            Compare with the emulation ({kernelChoices[kernel].label} profile
            {builtinOnly ? ', built-in samples' : ''}) →
          </button>
        )}{' '}
        <span className="muted">Writes show where and how much, not the bytes: the probes do not record them.</span>
      </p>
    </div>
  );
}

/**
 * In place of the emulator's picker while a recording is on screen: what is shown, the switch
 * between the recording alone and beside its emulation, and the way back to the emulator.
 */
export function RecordingBar() {
  const recording = useExplain((s) => s.recording)!;
  const compared = useExplain((s) => s.recordingCompared);
  const files = useKlp((s) => s.files);
  const { missing } = recordingModules(recording, files);
  return (
    <nav className="recording-bar" aria-label="Recording" data-testid="recording-bar">
      <span>
        Recording <span className="mono">{recording.fileName}</span>:
      </span>
      <span className="view-switch" role="group" aria-label="Show">
        <button
          type="button"
          aria-pressed={!compared}
          className={compared ? undefined : 'on'}
          data-testid="recording-alone"
          onClick={() => explainStore.getState().setRecordingCompared(false)}
        >
          the real kernel alone
        </button>
        <button
          type="button"
          aria-pressed={compared}
          className={compared ? 'on' : undefined}
          data-testid="recording-beside"
          disabled={missing.length > 0}
          title={missing.length ? `needs ${missing.map((m) => `${m}.ko`).join(', ')}` : undefined}
          onClick={() => void compareRecordingWithEmulation(recording)}
        >
          beside the emulation
        </button>
      </span>
      <button
        type="button"
        className="link-button"
        data-testid="recording-close"
        onClick={() => void explainStore.getState().run()}
      >
        Close it: back to the emulator
      </button>
    </nav>
  );
}
