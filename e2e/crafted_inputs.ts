// The crafted modules of e2e/crafted-explain.spec.ts and e2e/crafted-bench.spec.ts, made in code
// on Debian's crc7.ko (src/fuzz/crafted.ts): modules a kernel would load.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'fflate';
import { SHF_ALLOC, SHF_INFO_LINK, SHT_PROGBITS, SHT_RELA, SIZEOF_RELA } from '../src/elf/constants.ts';
import { parseElfObject } from '../src/elf/parse.ts';
import { craftedInputs, graft, relaTable } from '../src/fuzz/crafted.ts';
import { stripSignature } from '../src/test_support/craft.ts';

const crc7 = new Uint8Array(readFileSync(new URL('../src/elf/__fixtures__/debian/crc7.ko', import.meta.url)));

/** crc7.ko + 1,000 global symbols all naming one 1 MiB string: a 1 GiB core region on 6.1. */
export function longNames(): Uint8Array {
  return craftedInputs('full', crc7)
    .find((c) => c.name === 'base-long-names.ko')!
    .bytes();
}

/** crc7.ko with `count` R_X86_64_NONE relocations, all on byte 0 of an 8-byte section, gzipped. */
export function noneRelocations(count: number): Uint8Array {
  const elf = parseElfObject(stripSignature(crc7), 'crc7.ko');
  const data = elf.sections.length;
  return gzipSync(
    graft(crc7, {
      sections: [
        { name: '.data.crafted', type: SHT_PROGBITS, flags: SHF_ALLOC | 1n, data: new Uint8Array(8) },
        {
          name: '.rela.data.crafted',
          type: SHT_RELA,
          flags: SHF_INFO_LINK,
          data: relaTable(count, 0, 0, () => 0),
          info: data,
          link: elf.symtabIndex,
          entsize: SIZEOF_RELA,
        },
      ],
    }),
  );
}
