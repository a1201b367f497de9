// What to load: a kernel profile and an ordered list of insmod / rmmod over the built-in modules
// and the files open in the inspector.
import { getModinfo } from '../../../src/elf/modinfo.ts';
import { KERNEL_IDS, kernelChoices } from '../../../src/engine/kernels.ts';
import type { RequestOf, SequenceOp } from '../../../src/engine/request.ts';
import { useKlp } from '../../store.ts';
import { explainStore } from '../state/explain_store.ts';
import type { ModuleRef } from '../state/request.ts';
import { ModeSwitch, PickerForm } from './form_parts.tsx';
import { builtinLabel, openFileLabel, parseRef, refValue, sampleForKernel } from './module_ref.ts';

type Sequence = RequestOf<'sequence', ModuleRef>;

function useModuleName(): (ref: ModuleRef) => string {
  const files = useKlp((s) => s.files);
  return (ref) => {
    if (ref.kind === 'sample') return ref.id;
    const f = files.find((x) => x.key === ref.key);
    return (f && getModinfo(f.module.elf.modinfo, 'name')) ?? f?.name ?? '(closed file)';
  };
}

export function SequenceForm({ source, running }: { source: Sequence; running: boolean }) {
  const builtins = useKlp((s) => s.builtins);
  const files = useKlp((s) => s.files);
  const nameOf = useModuleName();
  const update = (patch: Partial<Sequence>) => explainStore.getState().setSource({ ...source, ...patch });
  const setStep = (i: number, s: SequenceOp<ModuleRef>) => update({ ops: source.ops.map((x, j) => (j === i ? s : x)) });
  const remove = (i: number) => update({ ops: source.ops.filter((_, j) => j !== i) });
  // the whole label on hover: a narrow select cuts it
  const moduleLabel = (ref: ModuleRef) => {
    const b = ref.kind === 'sample' ? builtins.find((m) => m.id === ref.id) : undefined;
    const f = ref.kind === 'file' ? files.find((x) => x.key === ref.key) : undefined;
    return b ? builtinLabel(b) : f ? openFileLabel(f) : undefined;
  };
  const move = (i: number, d: -1 | 1) => {
    const ops = [...source.ops];
    const j = i + d;
    if (j < 0 || j >= ops.length) return;
    [ops[i], ops[j]] = [ops[j]!, ops[i]!];
    update({ ops });
  };
  const inserted = source.ops.flatMap((s) => (s.op === 'insmod' ? [nameOf(s.module)] : []));
  return (
    <PickerForm className="scenario-picker" label="What to load">
      <ModeSwitch mode="sequence" />
      <fieldset className="kernel-choice">
        <legend>kernel</legend>
        {KERNEL_IDS.map((id) => (
          <label key={id} title={kernelChoices[id].title}>
            <input
              type="radio"
              name="kernel"
              value={id}
              checked={source.kernel === id}
              onChange={() =>
                // the demo modules follow the kernel: the build made for it (klp/ for 6.1, klp-6.12/ for 6.12)
                update({
                  kernel: id,
                  ops: source.ops.map((o) =>
                    o.op === 'insmod' ? { ...o, module: sampleForKernel(o.module, builtins, id) } : o,
                  ),
                })
              }
            />{' '}
            {kernelChoices[id].label}
            {kernelChoices[id].checked === 'real' && (
              <span className="muted" title="held to the real kernel by the tests (truth/)">
                {' '}
                ✓
              </span>
            )}
          </label>
        ))}
        <span className="muted kernel-note">✓ held to a real kernel; the others follow the source only</span>
      </fieldset>
      <ol className="sequence">
        {source.ops.map((s, i) => (
          <li key={i}>
            <select
              aria-label={`Step ${i + 1}: operation`}
              value={s.op}
              onChange={(e) =>
                setStep(
                  i,
                  e.currentTarget.value === 'rmmod'
                    ? { op: 'rmmod', name: inserted[0] ?? '' }
                    : { op: 'insmod', module: { kind: 'sample', id: builtins[0]?.id ?? '' } },
                )
              }
            >
              <option value="insmod">insmod</option>
              <option value="rmmod">rmmod</option>
            </select>
            {s.op === 'insmod' ? (
              <select
                aria-label={`Step ${i + 1}: module`}
                title={moduleLabel(s.module)}
                value={refValue(s.module)}
                onChange={(e) => setStep(i, { op: 'insmod', module: parseRef(e.currentTarget.value) })}
              >
                <optgroup label="Built-in samples">
                  {builtins.map((m) => (
                    <option key={m.id} value={`sample:${m.id}`} title={m.description}>
                      {builtinLabel(m)}
                    </option>
                  ))}
                </optgroup>
                {files.length > 0 && (
                  <optgroup label="Open in the inspector">
                    {files.map((f) => (
                      <option key={f.key} value={`file:${f.key}`}>
                        {openFileLabel(f)}
                      </option>
                    ))}
                  </optgroup>
                )}
              </select>
            ) : (
              <select
                aria-label={`Step ${i + 1}: module to remove`}
                value={s.name}
                onChange={(e) => setStep(i, { op: 'rmmod', name: e.currentTarget.value })}
              >
                {[...new Set([...inserted, s.name])].filter(Boolean).map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            )}
            <button
              type="button"
              className="icon"
              aria-label={`Move step ${i + 1} up`}
              onClick={() => move(i, -1)}
              disabled={i === 0}
            >
              ↑
            </button>
            <button
              type="button"
              className="icon"
              aria-label={`Move step ${i + 1} down`}
              onClick={() => move(i, 1)}
              disabled={i === source.ops.length - 1}
            >
              ↓
            </button>
            <button type="button" className="icon" aria-label={`Remove step ${i + 1}`} onClick={() => remove(i)}>
              ×
            </button>
          </li>
        ))}
      </ol>
      <button
        type="button"
        onClick={() =>
          update({
            ops: [
              ...source.ops,
              {
                op: 'insmod',
                module: {
                  kind: 'sample',
                  id: builtins.find((m) => m.id === 'klp_demo_target2')?.id ?? builtins[0]?.id ?? '',
                },
              },
            ],
          })
        }
      >
        + insmod
      </button>
      <button
        type="button"
        onClick={() => update({ ops: [...source.ops, { op: 'rmmod', name: inserted.at(-1) ?? '' }] })}
        disabled={!inserted.length}
      >
        + rmmod
      </button>
      <label
        className="fake"
        title="Give symbols that no table provides an invented address, so a module can load without its dependencies (e.g. a Debian driver)"
      >
        <input
          type="checkbox"
          checked={source.fakeMissingSymbols}
          onChange={(e) => update({ fakeMissingSymbols: e.currentTarget.checked })}
        />{' '}
        invent missing symbols
      </label>
      <button type="submit" className="primary" disabled={running || source.ops.length === 0} data-testid="run">
        {running ? 'Running…' : 'Run'}
      </button>
    </PickerForm>
  );
}
