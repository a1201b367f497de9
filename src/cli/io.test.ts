// The command line checks a module's signature with Node's crypto (over the file in place): the
// same verdicts as WebCrypto's check in the browser, on Debian's own signed modules.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { decodeModule } from '../module_file.ts';
import { CliError, readModule } from './io.ts';

const crc7 = new URL('../elf/__fixtures__/debian/crc7.ko', import.meta.url);

test('a Debian module verifies against the built-in key, as the browser finds it; one changed byte is EKEYREJECTED', async () => {
  const bytes = new Uint8Array(readFileSync(crc7));
  const { elf } = await readModule(crc7.pathname);
  expect(elf.signature?.verification).toBe('good');
  const web = await decodeModule(bytes, 'crc7.ko');
  expect(web.ok && web.module.elf.signature?.verification).toBe('good');

  const tampered = bytes.slice();
  tampered[0x40] = tampered[0x40]! ^ 1; // the first section's bytes: still a valid ELF
  const file = join(mkdtempSync(join(tmpdir(), 'klp-io-')), 'crc7.ko');
  writeFileSync(file, tampered);
  await expect(readModule(file)).rejects.toThrow(CliError);
  await expect(readModule(file)).rejects.toThrow(/EKEYREJECTED|Key was rejected/);
  const webTampered = await decodeModule(tampered, 'crc7.ko');
  expect(!webTampered.ok && webTampered.error.errnoName).toBe('EKEYREJECTED');
});
