import type { ElfObject } from '../../src/elf/types.ts';
import { escapeName } from '../../src/format/escape.ts';
import { bytes, count } from '../format.ts';

const idTypes: Record<number, string> = { 0: 'PKEY_ID_PGP', 1: 'PKEY_ID_X509', 2: 'PKEY_ID_PKCS7' };

export function SignatureView({ elf }: { elf: ElfObject }) {
  const sig = elf.signature;
  if (!sig) {
    return (
      <p className="empty" data-testid="no-signature">
        No appended signature: the file does not end with <code>~Module signature appended~</code>. A kernel with{' '}
        <code>CONFIG_MODULE_SIG_FORCE</code> (or lockdown) would refuse it; otherwise it loads and taints the kernel (
        <code>E</code>).
      </p>
    );
  }
  const rows: Array<[string, string, string]> = [
    ['signer', 'Signer (issuer CN)', sig.signer === undefined ? '—' : escapeName(sig.signer)],
    ['sig_hashalgo', 'Hash algorithm', sig.hashAlgorithm ?? '—'],
    ['sig_key', 'Key id (certificate serial)', sig.keyId ?? '—'],
    ['signature algorithm', 'Signature algorithm', sig.signatureAlgorithm ?? '—'],
    ['id_type', 'struct module_signature.id_type', `${sig.idType} (${idTypes[sig.idType] ?? 'unknown'})`],
    ['sig_len', 'PKCS#7 blob length', `${count(sig.sigLength)} bytes`],
    ['ELF data', 'Bytes covered by the signature', `${count(sig.elfLength)} bytes (${bytes(sig.elfLength)})`],
  ];
  return (
    <div className="scroll-panel">
      <table className="kv" data-testid="signature" aria-label="Module signature">
        <thead>
          <tr>
            <th scope="col">modinfo field</th>
            <th scope="col">Meaning</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([k, meaning, v]) => (
            <tr key={k}>
              <th scope="row" className="mono">
                {k}
              </th>
              <td>{meaning}</td>
              <td className="mono wrap" data-testid={`sig-${k.replace(/\W+/g, '-')}`}>
                {v}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="note" data-testid="signature-not-verified">
        <b>Not verified.</b> The signature parses as the kernel's pkcs7_parse_message() would parse it (a blob it cannot
        parse is refused with EBADMSG before this view). Whether it is good needs the key it names in the kernel's
        keyring, which klp-lab does not have: a kernel without that key loads the module anyway (ENOKEY is not fatal
        unless signatures are enforced) and taints itself.
      </p>
      <p className="muted note">
        The signature is appended after the ELF data; module_sig_check() strips it before the ELF checks, so the
        sections above are the first {count(sig.elfLength)} bytes of the file.
      </p>
    </div>
  );
}
