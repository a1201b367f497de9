// The CLI's contact with the outside world: files in, messages out. Everything else it does
// goes through the same core the browser worker uses.
import { verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ElfObject } from '../elf/types.ts';
import { decodeModule } from '../module_file.ts';

export class CliError extends Error {}

export async function readModule(path: string): Promise<{ bytes: Uint8Array; elf: ElfObject }> {
  let file: Uint8Array;
  try {
    // a plain Uint8Array over the Buffer's memory: no second copy of the file (a Buffer's
    // slice() would make views where the core expects copies)
    const b = readFileSync(path);
    file = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    throw new CliError(`${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file' : String(e)}`);
  }
  const name = path.split('/').at(-1)!;
  const r = await decodeModule(file, name, nodeRsaVerify);
  if (!r.ok) throw new CliError(r.error.message || `${name}: ${r.error.errnoName}`);
  return { bytes: r.bytes, elf: r.module.elf };
}

/** The signature check with Node's crypto: the same RSA/SHA-256 check, over the file in place. */
const nodeRsaVerify = (spki: Uint8Array, signature: Uint8Array, data: Uint8Array) =>
  verify('sha256', data, { key: Buffer.from(spki), format: 'der', type: 'spki' }, signature);
