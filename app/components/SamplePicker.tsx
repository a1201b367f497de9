import { useKlp } from '../store.ts';

export function SamplePicker() {
  const samples = useKlp((s) => s.samples);
  const openSample = useKlp((s) => s.openSample);
  if (samples.length === 0) return null;
  return (
    <label className="sample-picker">
      <span>Built-in samples</span>
      <select
        data-testid="sample-picker"
        value=""
        onChange={(e) => {
          const sample = samples.find((s) => s.id === e.currentTarget.value);
          if (sample) void openSample(sample);
        }}
      >
        <option value="" disabled>
          Open a sample…
        </option>
        {samples.map((s) => (
          <option key={s.id} value={s.id} title={s.description}>
            {s.title}
          </option>
        ))}
      </select>
    </label>
  );
}
