// module_sig_check() of kernel/module/signing.c and mod_check_sig() of
// kernel/module_signature.c, Linux 6.1.192: find and strip the appended signature.
// verify_pkcs7_signature() starts with pkcs7_parse_message(): a blob it cannot parse is fatal
// (EBADMSG), even though Debian 6.1 does not enforce signatures (CONFIG_MODULE_SIG_FORCE unset).
// The check against a key needs the kernel's keyring, which the emulator does not have: a
// parsed signature is reported as present and not verified, never as good.

import { MODULE_SIG_STRING, PKEY_ID_PKCS7, SIZEOF_MODULE_SIGNATURE } from '../../elf/constants.ts';
import { describePkcs7Signer, PKCS7_EINVAL_MESSAGES, pkcs7_parse_message } from '../../elf/pkcs7.ts';
import type { ModuleSignature } from '../../elf/types.ts';
import { EBADMSG, EINVAL } from '../errno.ts';
import { type LoadError, loadError } from '../load_error.ts';

export interface SigCheck {
  /** info->len after module_sig_check(): what elf_validity_check() sees. */
  len: number;
  signature?: ModuleSignature;
  /** Messages printed on the way (pr_err), in order. */
  messages: string[];
}

const marker = new TextEncoder().encode(MODULE_SIG_STRING);

function endsWithMarker(bytes: Uint8Array): boolean {
  const n = bytes.length;
  if (n <= marker.length) return false;
  for (let i = 0; i < marker.length; i++) if (bytes[n - marker.length + i] !== marker[i]) return false;
  return true;
}

export function module_sig_check(bytes: Uint8Array): SigCheck | LoadError {
  if (!endsWithMarker(bytes)) return { len: bytes.length, messages: [] }; // -ENODATA: unsigned module
  let len = bytes.length - marker.length;

  // mod_verify_sig()
  if (len <= SIZEOF_MODULE_SIGNATURE) return loadError(EBADMSG, 'mod_verify_sig', '');
  const ms = bytes.subarray(len - SIZEOF_MODULE_SIGNATURE, len);
  const sigLen = new DataView(ms.buffer, ms.byteOffset, 12).getUint32(8, false);

  // mod_check_sig()
  if (sigLen >= len - SIZEOF_MODULE_SIGNATURE) return loadError(EBADMSG, 'mod_check_sig', '');
  if (ms[2] !== PKEY_ID_PKCS7) {
    // -ENOPKG is not fatal without enforcement: the signature stays part of info->len.
    return { len, messages: ['module: not signed with expected PKCS#7 message'] };
  }
  if (ms[0] || ms[1] || ms[3] || ms[4] || ms[5] || ms[6] || ms[7])
    return loadError(EBADMSG, 'mod_check_sig', 'module: PKCS#7 signature info has unexpected non-zero params');

  len -= sigLen + SIZEOF_MODULE_SIGNATURE;
  const blob = bytes.subarray(len, len + sigLen);
  // verify_pkcs7_signature() → pkcs7_parse_message(): its errors other than ENOPKG are fatal.
  const parsed = pkcs7_parse_message(blob);
  if (parsed === 'EBADMSG') return loadError(EBADMSG, 'pkcs7_parse_message', '');
  if (parsed === 'EINVAL') return loadError(EINVAL, 'pkcs7_parse_message', pkcs7EinvalMessage(blob));
  const signature: ModuleSignature = {
    elfLength: len,
    sigLength: sigLen,
    idType: ms[2]!,
    ...describePkcs7Signer(blob),
  };
  // ENOPKG ("module with unsupported crypto") is not fatal either: the module loads, unverified.
  return { len, signature, messages: [] };
}

function pkcs7EinvalMessage(blob: Uint8Array): string {
  // The first OID of the blob is the ContentInfo type: not signedData → pkcs7_check_content_type().
  const signedData = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];
  const at = blob.indexOf(0x06);
  const isSignedData = at >= 0 && signedData.every((x, i) => blob[at + i] === x);
  return isSignedData ? PKCS7_EINVAL_MESSAGES.data : PKCS7_EINVAL_MESSAGES.signedData;
}
