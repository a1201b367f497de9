import { useMemo } from 'react';
import { sectionFlagLetters, sectionFlagNames, sectionTypeName } from '../../src/elf/names.ts';
import type { ElfObject } from '../../src/elf/types.ts';
import { escapeName } from '../../src/format/escape.ts';
import { hex, hexDigits } from '../../src/format/hex.ts';
import { count } from '../format.ts';
import { useKlp } from '../store.ts';
import { type Column, VirtualTable } from './VirtualTable.tsx';

const SHF_RELA_LIVEPATCH = 0x00100000n;

export function SectionsTable({ elf }: { elf: ElfObject }) {
  const selected = useKlp((s) => s.selectedSection);
  const select = useKlp((s) => s.selectSection);
  const showRelocations = useKlp((s) => s.showRelocations);
  const machine = elf.header.machine;

  const columns = useMemo(() => {
    const { sections } = elf;
    const relaBySection = new Map(elf.relocations.map((r) => [r.sectionIndex, r]));
    const archBySection = new Map(elf.klpArch.map((a) => [a.sectionIndex, a]));
    const targetedBy = new Map<number, number>();
    for (const r of elf.relocations) targetedBy.set(r.targetSection, (targetedBy.get(r.targetSection) ?? 0) + r.count);
    const hasKlp = elf.relocations.some((r) => r.klp) || elf.klpArch.length > 0;
    const s = (i: number) => sections[i]!;
    const name = (i: number | undefined) => (i !== undefined && sections[i] ? escapeName(sections[i].name) : '');

    // ET_REL: every sh_addr is 0, so the column is only as wide as the widest address.
    const addrDigits = hexDigits(
      sections.map((x) => x.addr),
      1,
    );
    // Before the long text columns, so a narrow screen (1280 px) never scrolls it out of sight.
    const relocs: Column = {
      id: 'relocs',
      header: 'Relocs',
      width: 9,
      align: 'right',
      title: 'Entries of a relocation section / entries patching this section',
      cell: (i) => {
        const rela = relaBySection.get(i);
        if (rela) {
          return (
            <button
              type="button"
              className="link"
              onClick={(e) => {
                e.stopPropagation();
                showRelocations(i);
              }}
              title={`Show the ${count(rela.count)} entries of ${escapeName(rela.name)}`}
            >
              {count(rela.count)} ›
            </button>
          );
        }
        const into = targetedBy.get(i);
        return into ? (
          <span className="muted" title={`${count(into)} relocations patch this section`}>
            ↤{count(into)}
          </span>
        ) : (
          ''
        );
      },
    };
    const cols: Column[] = [
      { id: 'nr', header: '[Nr]', width: 5, align: 'right', cell: (i) => `[${s(i).index}]` },
      {
        id: 'name',
        header: 'Name',
        width: 22,
        grow: true,
        cell: (i) => escapeName(s(i).name),
        cellTitle: (i) => escapeName(s(i).name),
      },
      { id: 'type', header: 'Type', width: 11, cell: (i) => sectionTypeName(s(i).type) },
      {
        id: 'addr',
        header: 'Addr',
        width: Math.max(4, addrDigits),
        title: 'sh_addr (hex); 0 for every section of a relocatable .ko',
        cell: (i) => hex(s(i).addr, addrDigits),
        cellTitle: (i) => hex(s(i).addr, 16),
      },
      { id: 'off', header: 'Off', width: 7, title: 'sh_offset (hex)', cell: (i) => hex(s(i).offset, 6) },
      {
        id: 'size',
        header: 'Size',
        width: 7,
        title: 'sh_size (hex)',
        cell: (i) => hex(s(i).size, 6),
        cellTitle: (i) => `${count(Number(s(i).size))} bytes`,
      },
      { id: 'es', header: 'ES', width: 3, title: 'sh_entsize (hex)', cell: (i) => hex(s(i).entsize, 2) },
      {
        id: 'flg',
        header: 'Flg',
        width: 4,
        title: 'sh_flags, readelf letters (o = OS-specific: SHF_RELA_LIVEPATCH)',
        cell: (i) => sectionFlagLetters(s(i).flags, machine),
        cellTitle: (i) => sectionFlagNames(s(i).flags, machine).join(', '),
      },
      {
        id: 'lk',
        header: 'Lk',
        width: 3,
        align: 'right',
        title: 'sh_link',
        cell: (i) => s(i).link,
        cellTitle: (i) => name(s(i).link),
      },
      {
        id: 'inf',
        header: 'Inf',
        width: 4,
        align: 'right',
        title: 'sh_info',
        cell: (i) => s(i).info,
        cellTitle: (i) => (relaBySection.has(i) ? `applies to ${name(s(i).info)}` : undefined),
      },
      {
        id: 'al',
        header: 'Al',
        width: 3,
        align: 'right',
        title: 'sh_addralign',
        cell: (i) => s(i).addralign.toString(),
      },
      relocs,
      {
        id: 'flagnames',
        header: 'Flags',
        width: hasKlp ? 30 : 20,
        cell: (i) => sectionFlagNames(s(i).flags, machine).join(' '),
        cellTitle: (i) => sectionFlagNames(s(i).flags, machine).join(' '),
      },
    ];
    if (hasKlp) {
      cols.push({
        id: 'klp',
        header: 'klp object → section',
        width: 28,
        title: '.klp.rela.<obj>.<section> / .klp.arch.<obj>.<section>',
        cellTitle: (i) => {
          const k = relaBySection.get(i)?.klp ?? archBySection.get(i);
          return k ? `${k.object} → ${k.section}` : undefined;
        },
        cell: (i) => {
          const rela = relaBySection.get(i)?.klp;
          if (rela)
            return (
              <span className="klp">
                {rela.object} → {rela.section}
              </span>
            );
          const arch = archBySection.get(i);
          if (arch)
            return (
              <span className="klp">
                arch: {arch.object} → {arch.section}
              </span>
            );
          return '';
        },
      });
    }
    return cols;
  }, [elf, machine, showRelocations]);

  const rowClass = (i: number) => {
    const sec = elf.sections[i]!;
    if (sec.flags & SHF_RELA_LIVEPATCH) return 'klp-row';
    if (sec.name.startsWith('.klp.')) return 'klp-row';
    return undefined;
  };

  return (
    <div className="table-panel">
      <p className="legend">
        Key to Flags: W write, A alloc, X execute, M merge, S strings, I info, L link order, O extra OS processing, G
        group, T TLS, C compressed, x unknown, <b>o OS specific (SHF_RELA_LIVEPATCH)</b>, E exclude, R
        retain/ro_after_init, l large.
      </p>
      <VirtualTable
        label={`Section headers of ${elf.fileName}`}
        testId="sections-table"
        rowCount={elf.sections.length}
        columns={columns}
        selected={selected}
        onSelect={select}
        rowClassName={rowClass}
      />
    </div>
  );
}
