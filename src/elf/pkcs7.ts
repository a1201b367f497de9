// Just enough DER to name who signed a module: the first SignerInfo of the PKCS#7 SignedData
// that scripts/sign-file appends (what `modinfo` shows as signer / sig_key / sig_hashalgo).
// Bounds-checked throughout: a malformed blob yields undefined fields, never an exception.
// pkcs7_parse_message() below says whether the kernel could parse the signature at all (an
// unparseable signature is fatal); src/kernel/module/signing.ts verifies it.
import { bytesHex } from '../format/hex.ts';

interface Tlv {
  tag: number;
  at: number; // the tag byte
  start: number; // first content byte
  end: number; // one past the last content byte
}

function readTlv(b: Uint8Array, pos: number, limit: number): Tlv | undefined {
  if (pos + 2 > limit) return undefined;
  const tag = b[pos]!;
  let len = b[pos + 1]!;
  let p = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > limit) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p + i]!;
    p += n;
  }
  if (p + len > limit) return undefined;
  return { tag, at: pos, start: p, end: p + len };
}

function children(b: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = parent.start; p < parent.end; ) {
    const t = readTlv(b, p, parent.end);
    if (!t) break;
    out.push(t);
    p = t.end;
  }
  return out;
}

function oid(b: Uint8Array, t: Tlv): string {
  const parts: number[] = [];
  let v = 0;
  for (let i = t.start; i < t.end; i++) {
    v = v * 128 + (b[i]! & 0x7f);
    if (!(b[i]! & 0x80)) {
      if (parts.length === 0) parts.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

const oidNames: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.8': 'sha3-256',
  '2.16.840.1.101.3.4.2.9': 'sha3-384',
  '2.16.840.1.101.3.4.2.10': 'sha3-512',
  '1.2.840.113549.1.1.1': 'rsaEncryption',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.10045.2.1': 'ecPublicKey',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
};
const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_COMMON_NAME = '2.5.4.3';

const text = (b: Uint8Array, t: Tlv) => new TextDecoder().decode(b.subarray(t.start, t.end));

function algorithmName(b: Uint8Array, algId: Tlv | undefined): string | undefined {
  const o = algId && children(b, algId)[0];
  if (o?.tag !== 0x06) return undefined;
  const id = oid(b, o);
  return oidNames[id] ?? id;
}

export interface Pkcs7Signer {
  signer?: string;
  keyId?: string;
  hashAlgorithm?: string | undefined;
  signatureAlgorithm?: string | undefined;
}

export function describePkcs7Signer(b: Uint8Array): Pkcs7Signer {
  const top = readTlv(b, 0, b.length);
  if (top?.tag !== 0x30) return {};
  const [type, explicit] = children(b, top);
  if (type?.tag !== 0x06 || oid(b, type) !== OID_SIGNED_DATA || !explicit) return {};
  const signedData = children(b, explicit)[0];
  if (!signedData) return {};
  const signerInfos = children(b, signedData)
    .filter((t) => t.tag === 0x31)
    .at(-1);
  const info = signerInfos && children(b, signerInfos)[0];
  if (!info) return {};
  const [, sid, digestAlg, ...rest] = children(b, info);
  const out: Pkcs7Signer = {};
  out.hashAlgorithm = algorithmName(b, digestAlg);
  out.signatureAlgorithm = algorithmName(
    b,
    rest.find((t) => t.tag === 0x30),
  );
  if (sid?.tag === 0x30) {
    // issuerAndSerialNumber: the issuer's CN, as modinfo shows it, and the serial as sig_key
    const [issuer, serial] = children(b, sid);
    for (const rdn of issuer ? children(b, issuer) : []) {
      for (const atv of children(b, rdn)) {
        const [k, v] = children(b, atv);
        if (k && v && k.tag === 0x06 && oid(b, k) === OID_COMMON_NAME) out.signer = text(b, v);
      }
    }
    if (serial?.tag === 0x02) out.keyId = hexColons(b.subarray(serial.start, serial.end));
  } else if (sid?.tag === 0x80) {
    out.keyId = hexColons(b.subarray(sid.start, sid.end)); // subjectKeyIdentifier
  }
  return out;
}

function hexColons(bytes: Uint8Array): string {
  const b = bytes.length > 1 && bytes[0] === 0 ? bytes.subarray(1) : bytes; // DER sign byte, not part of the serial
  return bytesHex(b, ':').toUpperCase();
}

/**
 * What pkcs7_parse_message() (crypto/asymmetric_keys/pkcs7_parser.c, 6.1) makes of the blob, by
 * the grammar of pkcs7.asn1 and its actions: 'EBADMSG' when the BER decoder or a version check
 * fails, 'EINVAL' for content that is not signedData / data, 'ENOPKG' for a digest or key
 * algorithm the kernel does not know (not fatal: "module with unsupported crypto"), else 'ok'.
 */
export type Pkcs7Verdict = 'ok' | 'EBADMSG' | 'EINVAL' | 'ENOPKG';

/** pr_warn() of pkcs7_check_content_type() / pkcs7_note_content() for an EINVAL verdict. */
export const PKCS7_EINVAL_MESSAGES = {
  signedData: 'Only support pkcs7_signedData type',
  data: 'Unsupported data type',
};

const OID_DATA = '1.2.840.113549.1.7.1';
const knownDigests = new Set(['sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'sha3-256', 'sha3-384', 'sha3-512']);
const knownKeyAlgorithms = new Set([
  'rsaEncryption',
  'sha1WithRSAEncryption',
  'sha256WithRSAEncryption',
  'sha384WithRSAEncryption',
  'sha512WithRSAEncryption',
  'ecdsa-with-SHA256',
  'ecdsa-with-SHA384',
  'ecdsa-with-SHA512',
]);

export function pkcs7_parse_message(b: Uint8Array): Pkcs7Verdict {
  const top = readTlv(b, 0, b.length);
  if (top?.tag !== 0x30 || top.end !== b.length) return 'EBADMSG';
  const [type, explicit, ...extra] = children(b, top);
  if (type?.tag !== 0x06 || extra.length || !covers(b, top)) return 'EBADMSG';
  if (oid(b, type) !== OID_SIGNED_DATA) return 'EINVAL'; // pkcs7_check_content_type()
  if (explicit?.tag !== 0xa0) return 'EBADMSG';
  const [signedData, ...more] = children(b, explicit);
  if (signedData?.tag !== 0x30 || more.length || !covers(b, explicit) || !covers(b, signedData)) return 'EBADMSG';
  const parts = children(b, signedData);
  const [version, digestAlgorithms, contentInfo] = parts;
  if (version?.tag !== 0x02 || ![1, 3].includes(intValue(b, version))) return 'EBADMSG';
  if (!digestAlgorithms || !isSetOrSequence(digestAlgorithms)) return 'EBADMSG';
  if (contentInfo?.tag !== 0x30) return 'EBADMSG';
  const contentType = children(b, contentInfo)[0];
  if (contentType?.tag !== 0x06) return 'EBADMSG';
  if (oid(b, contentType) !== OID_DATA) return 'EINVAL'; // pkcs7_note_content(): only data
  let i = 3;
  if (parts[i] && [0xa0, 0xa2].includes(parts[i]!.tag)) i++; // certificates
  if (parts[i] && [0xa1, 0xa3].includes(parts[i]!.tag)) i++; // crls
  const signerInfos = parts[i];
  if (!signerInfos || !isSetOrSequence(signerInfos) || i + 1 !== parts.length || !covers(b, signerInfos))
    return 'EBADMSG';
  const infos = children(b, signerInfos);
  if (infos.length === 0) return 'EBADMSG';
  let verdict: Pkcs7Verdict = 'ok';
  for (const info of infos) {
    if (info.tag !== 0x30 || !covers(b, info)) return 'EBADMSG';
    const f = children(b, info);
    const [v, sid, digestAlg] = f;
    if (v?.tag !== 0x02 || !sid || digestAlg?.tag !== 0x30) return 'EBADMSG';
    // pkcs7_note_signerinfo_version(): 1 with issuerAndSerialNumber, 3 with subjectKeyIdentifier
    const sv = intValue(b, v);
    if (!((sv === 1 && sid.tag === 0x30) || (sv === 3 && sid.tag === 0x80))) return 'EBADMSG';
    let j = 3;
    if (f[j] && [0xa0, 0xa2].includes(f[j]!.tag)) j++; // authenticatedAttributes
    const keyAlg = f[j];
    const encryptedDigest = f[j + 1];
    if (keyAlg?.tag !== 0x30 || encryptedDigest?.tag !== 0x04) return 'EBADMSG';
    if (f.length > j + 3 || (f[j + 2] && ![0xa1, 0xa3].includes(f[j + 2]!.tag))) return 'EBADMSG';
    if (!knownDigests.has(algorithmName(b, digestAlg) ?? '')) verdict = 'ENOPKG';
    if (!knownKeyAlgorithms.has(algorithmName(b, keyAlg) ?? '')) verdict = 'ENOPKG';
  }
  return verdict;
}

/** The children of `t` fill it exactly (a definite-length BER element with no stray bytes). */
function covers(b: Uint8Array, t: Tlv): boolean {
  return (children(b, t).at(-1)?.end ?? t.start) === t.end;
}

function isSetOrSequence(t: Tlv): boolean {
  return t.tag === 0x31 || t.tag === 0x30;
}

function intValue(b: Uint8Array, t: Tlv): number {
  let v = 0;
  for (let i = t.start; i < t.end && i < t.start + 4; i++) v = v * 256 + b[i]!;
  return t.end - t.start > 4 ? -1 : v;
}

/** What the kernel needs of the first SignerInfo to find its key and check it. */
export interface Pkcs7SignerInfo {
  /** DER of issuerAndSerialNumber's issuer Name, and the serial's content bytes. */
  issuer: Uint8Array;
  serial: Uint8Array;
  digestAlgorithm: string | undefined;
  /** The signature (encryptedDigest). */
  signature: Uint8Array;
  /** Whether authenticatedAttributes are present (then the signature covers them, not the data). */
  authenticatedAttributes: boolean;
}

export function pkcs7SignerInfo(b: Uint8Array): Pkcs7SignerInfo | undefined {
  const top = readTlv(b, 0, b.length);
  const explicit = top && children(b, top)[1];
  const signedData = explicit && children(b, explicit)[0];
  const infos = signedData && children(b, signedData).at(-1);
  const info = infos && children(b, infos)[0];
  if (!info) return undefined;
  const f = children(b, info);
  const sid = f[1];
  if (sid?.tag !== 0x30) return undefined;
  const [issuer, serial] = children(b, sid);
  if (!issuer || serial?.tag !== 0x02) return undefined;
  const authenticatedAttributes = f[3]?.tag === 0xa0 || f[3]?.tag === 0xa2;
  const signature = f[authenticatedAttributes ? 5 : 4];
  if (signature?.tag !== 0x04) return undefined;
  return {
    issuer: b.subarray(issuer.at, issuer.end),
    serial: b.subarray(serial.start, serial.end),
    digestAlgorithm: algorithmName(b, f[2]),
    signature: b.subarray(signature.start, signature.end),
    authenticatedAttributes,
  };
}

/** An X.509 certificate's issuer Name (DER), serial content bytes and SubjectPublicKeyInfo (DER). */
export function x509Identity(
  der: Uint8Array,
): { issuer: Uint8Array; serial: Uint8Array; spki: Uint8Array } | undefined {
  const cert = readTlv(der, 0, der.length);
  const tbs = cert && children(der, cert)[0];
  if (!tbs) return undefined;
  let f = children(der, tbs);
  if (f[0]?.tag === 0xa0) f = f.slice(1); // [0] version
  const [serial, , issuer, , , spki] = f;
  if (serial?.tag !== 0x02 || !issuer || !spki) return undefined;
  const whole = (t: Tlv) => der.subarray(t.at, t.end);
  return { issuer: whole(issuer), serial: der.subarray(serial.start, serial.end), spki: whole(spki) };
}
