import { escapeName } from '../../src/format/escape.ts';
import { bytes, count, ms, visibleText } from '../format.ts';
import type { LoadedFile } from '../store.ts';

function modinfoValue(file: LoadedFile, key: string): string | undefined {
  return file.module.elf.modinfo.find((m) => m.key === key)?.value;
}

export function FileSummary({ file }: { file: LoadedFile }) {
  const { elf, compression, compressedSize } = file.module;
  const name = modinfoValue(file, 'name');
  const vermagic = modinfoValue(file, 'vermagic');
  const relocs = elf.relocations.reduce((n, r) => n + r.count, 0);
  return (
    <div className="file-summary" data-testid="file-summary">
      <h2 className="mono">
        {escapeName(file.name)}
        {elf.isLivepatch ? (
          <span className="badge livepatch" data-testid="livepatch-badge" title="livepatch=Y in .modinfo">
            livepatch
          </span>
        ) : null}
        {elf.klpArch.length > 0 ? (
          <span className="badge klp" title=".klp.arch sections present">
            .klp.arch
          </span>
        ) : null}
        {elf.signature ? (
          elf.signature.verification === 'good' ? (
            <span
              className="badge signed"
              data-testid="signature-badge"
              title="The signature verifies against the key built into Debian's 6.1.0-56 kernel, as module_sig_check() would"
            >
              signed, verified
            </span>
          ) : (
            <span
              className="badge signature"
              data-testid="signature-badge"
              title={
                elf.signature.verification === 'no key'
                  ? "Signed by a key that is not in the emulated kernel's keyring (ENOKEY): it loads unverified"
                  : 'The appended PKCS#7 signature parses; klp-lab could not check it against a key'
              }
            >
              signature present, not verified
            </span>
          )
        ) : (
          <span className="badge unsigned">unsigned</span>
        )}
      </h2>
      <p className="facts">
        {name ? (
          <span>
            module <b className="mono">{name}</b>
          </span>
        ) : null}
        {vermagic ? <span className="mono">{vermagic}</span> : null}
        <span>
          {bytes(compressedSize)}
          {compression !== 'none' ? ` (${compression}) → ${bytes(elf.fileSize)} ELF` : ''}
        </span>
        <span>
          {count(elf.sections.length)} sections · {count(elf.symbols.length)} symbols · {count(relocs)} relocations
        </span>
        <span
          className="muted"
          data-testid="parse-time"
          data-ms={file.parseMs.toFixed(1)}
          data-total-ms={file.totalMs.toFixed(1)}
        >
          decoded in {ms(file.parseMs)} in the worker · {ms(file.totalMs)} total
        </span>
      </p>
      {file.module.messages?.length ? (
        <ul className="kernel-notes" aria-label="Kernel messages while loading" data-testid="kernel-notes">
          {file.module.messages.map((m, i) => (
            <li key={i} className="mono">
              {visibleText(m)}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
