// Reads what `readelf -h -S -s -r -W` (GNU binutils 2.40) printed, so tests can hold the
// decoder to binutils field by field. Test support only.

export interface ReadelfSection {
  index: number;
  name: string;
  type: string;
  addr: bigint;
  offset: bigint;
  size: bigint;
  entsize: bigint;
  flags: string;
  link: number;
  info: number;
  align: bigint;
}

export interface ReadelfSymbol {
  index: number;
  value: bigint;
  size: bigint;
  type: string;
  bind: string;
  vis: string;
  ndx: string;
  name: string;
}

export interface ReadelfRelocation {
  offset: bigint;
  info: bigint;
  type: string;
  symbolValue?: bigint;
  symbolName?: string;
  addend: bigint;
}

export interface ReadelfOutput {
  header: Record<string, string>;
  sections: ReadelfSection[];
  symbols: ReadelfSymbol[];
  relocations: Array<{ name: string; offset: bigint; entries: ReadelfRelocation[] }>;
}

const sectionLine =
  /^\s*\[\s*(\d+)\] (.*?)\s+(\S+(?: SECTION INDICES)?)\s+([0-9a-f]{16}) ([0-9a-f]+) ([0-9a-f]+) ([0-9a-f]+)\s+([A-Za-z]*)\s+(\d+)\s+(\d+)\s+(\d+)$/;
const symbolLine =
  /^\s*(\d+): ([0-9a-f]{16})\s+(\S+) (\S+)\s+(\S+)\s+(\S+)\s+(UND|ABS|COM|OS \[0x[0-9a-f]+\]|\d+) ?(.*)$/;
const relocationLine = /^([0-9a-f]{16})\s+([0-9a-f]{16}) (\S+)\s+(?:([0-9a-f]{16}) (.*?) )?([+-]) ([0-9a-f]+)$/;

const num = (s: string) => (s.startsWith('0x') ? BigInt(s) : BigInt(s));

export function parseReadelfOutput(text: string): ReadelfOutput {
  const out: ReadelfOutput = { header: {}, sections: [], symbols: [], relocations: [] };
  let mode: 'header' | 'sections' | 'symbols' | 'relocations' | 'none' = 'none';
  for (const line of text.split('\n')) {
    if (line.startsWith('ELF Header:')) mode = 'header';
    else if (line.startsWith('Section Headers:')) mode = 'sections';
    else if (line.startsWith('Symbol table ')) mode = 'symbols';
    else if (line.startsWith('Relocation section ')) {
      const m = /^Relocation section '(.*)' at offset 0x([0-9a-f]+) contains/.exec(line)!;
      out.relocations.push({ name: m[1]!, offset: BigInt(`0x${m[2]}`), entries: [] });
      mode = 'relocations';
    } else if (line.startsWith('Key to Flags:')) mode = 'none';
    else if (mode === 'header') {
      const m = /^\s+([^:]+):\s+(.*)$/.exec(line);
      if (m) out.header[m[1]!] = m[2]!.trim();
    } else if (mode === 'sections') {
      const m = sectionLine.exec(line);
      if (m)
        out.sections.push({
          index: Number(m[1]),
          name: m[2]!,
          type: m[3]!,
          addr: BigInt(`0x${m[4]}`),
          offset: BigInt(`0x${m[5]}`),
          size: BigInt(`0x${m[6]}`),
          entsize: BigInt(`0x${m[7]}`),
          flags: m[8]!,
          link: Number(m[9]),
          info: Number(m[10]),
          align: BigInt(m[11]!),
        });
    } else if (mode === 'symbols') {
      const m = symbolLine.exec(line);
      if (m)
        out.symbols.push({
          index: Number(m[1]),
          value: BigInt(`0x${m[2]}`),
          size: num(m[3]!),
          type: m[4]!,
          bind: m[5]!,
          vis: m[6]!,
          ndx: m[7]!,
          name: m[8]!,
        });
    } else if (mode === 'relocations') {
      const m = relocationLine.exec(line);
      if (m) {
        const r: ReadelfRelocation = {
          offset: BigInt(`0x${m[1]}`),
          info: BigInt(`0x${m[2]}`),
          type: m[3]!,
          addend: (m[6] === '-' ? -1n : 1n) * BigInt(`0x${m[7]}`),
        };
        if (m[4] !== undefined) {
          r.symbolValue = BigInt(`0x${m[4]}`);
          r.symbolName = m[5]!;
        }
        out.relocations.at(-1)!.entries.push(r);
      }
    }
  }
  return out;
}
