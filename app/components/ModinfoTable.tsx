import type { ElfObject } from '../../src/elf/types.ts';

export function ModinfoTable({ elf }: { elf: ElfObject }) {
  if (elf.modinfo.length === 0) {
    return (
      <p className="empty">
        This module has no <code>.modinfo</code> section.
      </p>
    );
  }
  return (
    <div className="scroll-panel">
      <table className="kv" data-testid="modinfo" aria-label=".modinfo key/value pairs">
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {elf.modinfo.map((m, i) => (
            <tr key={i} className={m.key === 'livepatch' ? 'klp-row' : undefined}>
              <th scope="row" className="mono">
                {m.key}
              </th>
              <td className="mono wrap">{m.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
