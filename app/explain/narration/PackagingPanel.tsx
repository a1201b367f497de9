// What a design makes of the one monolithic livepatch the user has: per-object `.klp.text.<obj>`
// sections (klp-text, klp-text-ro) or `<patch>__<obj>` sub-modules (split). The packaging is
// derived by the core (src/klp_packaging/); none of these designs was merged.
import type { Packaging } from '../../../src/engine/scenario.ts';
import { packagingProvenance, strategies } from '../../../src/strategies/strategies.ts';

export function PackagingPanel({ packaging, strategy }: { packaging: Packaging; strategy: string }) {
  const s = strategies.find((x) => x.id === strategy);
  const provenance = s ? packagingProvenance(s) : strategy;
  return (
    <section className="packaging" data-testid="packaging" aria-label={`How ${strategy} repackages the livepatch`}>
      <h3>
        Packaging <span className="recon-badge">reconstruction</span>
      </h3>
      <p className="muted">{provenance}</p>
      {packaging.kind === 'klp-text' ? (
        <table className="packaging-table">
          <thead>
            <tr>
              <th>section</th>
              <th>object</th>
              <th>size</th>
              <th>functions</th>
            </tr>
          </thead>
          <tbody>
            {packaging.sections.map((s) => (
              <tr key={s.section}>
                <td className="mono">{s.section}</td>
                <td className="mono">{s.object}</td>
                <td className="mono">{s.size >= 1024 ? `${(s.size / 1024).toFixed(1)} KiB` : `${s.size} B`}</td>
                <td className="mono">{s.functions.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <table className="packaging-table">
          <thead>
            <tr>
              <th>module</th>
              <th>objects</th>
              <th>functions</th>
            </tr>
          </thead>
          <tbody>
            {packaging.modules.map((m) => (
              <tr key={m.name}>
                <td className="mono">{m.name}.ko</td>
                <td className="mono">{m.objects.join(', ')}</td>
                <td className="mono">{m.functions.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
