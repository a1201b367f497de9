// lib/vsprintf.c: what `%p` prints. Since 4.15 a plain %p never shows the address: ptr_to_id()
// prints siphash_1u64(ptr, ptr_key) with its upper 32 bits cleared (64-bit), as 16 hex digits —
// unless the kernel booted with no_hash_pointers (5.12+). ptr_key is drawn at random once per
// boot; the emulated machine's key is fixed, so the id is stable from run to run but says
// nothing about the real one.
const MASK = (1n << 64n) - 1n;
const rotl = (x: bigint, b: bigint) => ((x << b) | (x >> (64n - b))) & MASK;

/** siphash_1u64() (lib/siphash.c): SipHash-2-4 of one little-endian u64. */
function siphash_1u64(first: bigint, key: readonly [bigint, bigint]): bigint {
  let v0 = 0x736f6d6570736575n ^ key[0];
  let v1 = 0x646f72616e646f6dn ^ key[1];
  let v2 = 0x6c7967656e657261n ^ key[0];
  let v3 = 0x7465646279746573n ^ key[1];
  const round = () => {
    v0 = (v0 + v1) & MASK;
    v1 = rotl(v1, 13n) ^ v0;
    v0 = rotl(v0, 32n);
    v2 = (v2 + v3) & MASK;
    v3 = rotl(v3, 16n) ^ v2;
    v0 = (v0 + v3) & MASK;
    v3 = rotl(v3, 21n) ^ v0;
    v2 = (v2 + v1) & MASK;
    v1 = rotl(v1, 17n) ^ v2;
    v2 = rotl(v2, 32n);
  };
  const b = 8n << 56n;
  v3 ^= first;
  round();
  round();
  v0 ^= first;
  v3 ^= b;
  round();
  round();
  v0 ^= b;
  v2 ^= 0xffn;
  for (let i = 0; i < 4; i++) round();
  return (v0 ^ v1 ^ v2 ^ v3) & MASK;
}

/** The emulated boot's ptr_key (a real boot fills it with get_random_bytes()). */
const ptr_key = [0x6b6c702d6c616221n, 0x7074725f6b657921n] as const;

/** `%p` of `ptr`: ptr_to_id() on a 64-bit kernel. */
export const ptr_to_id = (ptr: bigint): string =>
  (siphash_1u64(ptr & MASK, ptr_key) & 0xffffffffn).toString(16).padStart(16, '0');
