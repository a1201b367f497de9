import { useKlp } from '../store.ts';

export function BuiltinPicker() {
  const builtins = useKlp((s) => s.builtins);
  const openBuiltin = useKlp((s) => s.openBuiltin);
  if (builtins.length === 0) return null;
  return (
    <label className="sample-picker">
      <span>Built-in samples</span>
      <select
        data-testid="sample-picker"
        value=""
        onChange={(e) => {
          const sample = builtins.find((s) => s.id === e.currentTarget.value);
          if (sample) void openBuiltin(sample);
        }}
      >
        <option value="" disabled>
          Open a sample…
        </option>
        {builtins.map((s) => (
          <option key={s.id} value={s.id} title={s.description}>
            {s.title}
          </option>
        ))}
      </select>
    </label>
  );
}
