// Just enough DER to name who signed a module: the first SignerInfo of the PKCS#7 SignedData
// that scripts/sign-file appends (what `modinfo` shows as signer / sig_key / sig_hashalgo).
// Bounds-checked throughout: a malformed blob yields undefined fields, never an exception.
// The signature is not verified: the emulator has no keyring.
import { bytesHex } from '../format/hex.ts';

interface Tlv {
  tag: number;
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
  return { tag, start: p, end: p + len };
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
