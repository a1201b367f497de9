import { type KeyboardEvent, useRef } from 'react';
import { escapeName } from '../../src/format/escape.ts';
import { count } from '../format.ts';
import { type LoadedFile, TABS, type TabId, useKlp } from '../store.ts';
import { ElfHeaderView } from './ElfHeaderView.tsx';
import { FileSummary } from './FileSummary.tsx';
import { HexView } from './HexView.tsx';
import { ModinfoTable } from './ModinfoTable.tsx';
import { RelocationsView } from './RelocationsView.tsx';
import { SectionsTable } from './SectionsTable.tsx';
import { SignatureView } from './SignatureView.tsx';
import { SymbolsTable } from './SymbolsTable.tsx';
import './inspector_narrow.css';

function tabCount(file: LoadedFile, tab: TabId): string {
  const { elf } = file.module;
  switch (tab) {
    case 'sections':
      return count(elf.sections.length);
    case 'symbols':
      return count(elf.symbols.length);
    case 'relocations':
      return count(elf.relocations.reduce((n, r) => n + r.count, 0));
    case 'modinfo':
      return count(elf.modinfo.length);
    case 'signature':
      return elf.signature?.verification === 'good' ? '✓' : elf.signature ? 'present' : '—';
    default:
      return '';
  }
}

export function Inspector({ file }: { file: LoadedFile }) {
  const tab = useKlp((s) => s.tab);
  const setTab = useKlp((s) => s.setTab);
  const tabRefs = useRef<Array<HTMLButtonElement | null>>([]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const at = TABS.findIndex((t) => t.id === tab);
    let next = at;
    if (event.key === 'ArrowRight') next = (at + 1) % TABS.length;
    else if (event.key === 'ArrowLeft') next = (at - 1 + TABS.length) % TABS.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = TABS.length - 1;
    else return;
    event.preventDefault();
    setTab(TABS[next]!.id);
    tabRefs.current[next]?.focus();
  };

  return (
    <section className="inspector" aria-label={`Inspector for ${escapeName(file.name)}`} data-testid="inspector">
      <FileSummary file={file} />
      <div className="tabs" role="tablist" aria-label="ELF views" onKeyDown={onKeyDown}>
        {TABS.map((t, i) => (
          <button
            key={t.id}
            ref={(el) => {
              tabRefs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            data-testid={`tab-${t.id}`}
            onClick={() => setTab(t.id)}
          >
            {t.label}
            <span className="tab-count">{tabCount(file, t.id)}</span>
          </button>
        ))}
      </div>
      <div
        className="tab-panel"
        role="tabpanel"
        id={`panel-${tab}`}
        aria-labelledby={`tab-${tab}`}
        data-testid={`panel-${tab}`}
      >
        {tab === 'header' ? <ElfHeaderView file={file} /> : null}
        {tab === 'sections' ? <SectionsTable elf={file.module.elf} /> : null}
        {tab === 'symbols' ? <SymbolsTable elf={file.module.elf} /> : null}
        {tab === 'relocations' ? <RelocationsView file={file} /> : null}
        {tab === 'hex' ? <HexView file={file} /> : null}
        {tab === 'modinfo' ? <ModinfoTable elf={file.module.elf} /> : null}
        {tab === 'signature' ? <SignatureView elf={file.module.elf} /> : null}
      </div>
    </section>
  );
}
