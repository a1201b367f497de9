import { elfTypeName, machineNames } from '../../src/elf/names.ts';
import { hex0x } from '../../src/format/hex.ts';
import type { LoadedFile } from '../store.ts';

const classNames: Record<number, string> = { 1: 'ELF32', 2: 'ELF64' };
const dataNames: Record<number, string> = { 1: "2's complement, little endian", 2: "2's complement, big endian" };
const osabiNames: Record<number, string> = { 0: 'UNIX - System V', 3: 'UNIX - GNU' };

export function ElfHeaderView({ file }: { file: LoadedFile }) {
  const h = file.module.elf.header;
  const rows: Array<[string, string, string]> = [
    ['EI_CLASS', 'Class', classNames[h.class] ?? `<unknown: ${h.class}>`],
    ['EI_DATA', 'Data', dataNames[h.data] ?? `<unknown: ${h.data}>`],
    ['EI_VERSION', 'Version', `${h.identVersion}${h.identVersion === 1 ? ' (current)' : ''}`],
    ['EI_OSABI', 'OS/ABI', osabiNames[h.osabi] ?? `<unknown: ${h.osabi}>`],
    ['EI_ABIVERSION', 'ABI Version', String(h.abiVersion)],
    ['e_type', 'Type', elfTypeName(h.type)],
    ['e_machine', 'Machine', machineNames[h.machine] ?? `<unknown>: ${hex0x(h.machine)}`],
    ['e_version', 'Version', hex0x(h.version)],
    ['e_entry', 'Entry point address', hex0x(h.entry)],
    ['e_phoff', 'Start of program headers', `${h.phoff} (bytes into file)`],
    ['e_shoff', 'Start of section headers', `${h.shoff} (bytes into file)`],
    ['e_flags', 'Flags', hex0x(h.flags)],
    ['e_ehsize', 'Size of this header', `${h.ehsize} (bytes)`],
    ['e_phentsize', 'Size of program headers', `${h.phentsize} (bytes)`],
    ['e_phnum', 'Number of program headers', String(h.phnum)],
    ['e_shentsize', 'Size of section headers', `${h.shentsize} (bytes)`],
    ['e_shnum', 'Number of section headers', String(h.shnum)],
    ['e_shstrndx', 'Section header string table index', String(h.shstrndx)],
  ];
  return (
    <div className="scroll-panel">
      <table className="kv" data-testid="elf-header" aria-label="ELF header">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Meaning</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([field, meaning, value]) => (
            <tr key={field}>
              <th scope="row" className="mono">
                {field}
              </th>
              <td>{meaning}</td>
              <td className="mono">{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
