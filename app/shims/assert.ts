// Browser stand-in for the parts of Node's `assert` that elfy uses (assert(x), assert.ok,
// assert.equal). Throws a plain Error, never touches `process`.

export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function ok(value: unknown, message?: string): asserts value {
  if (!value) throw new AssertionError(message ?? 'assertion failed');
}

export function equal(actual: unknown, expected: unknown, message?: string): void {
  // Node's legacy assert.equal uses loose equality.
  // eslint-disable-next-line eqeqeq
  if (actual !== expected) {
    throw new AssertionError(message ?? `${String(actual)} == ${String(expected)}`);
  }
}

type Assert = typeof ok & { ok: typeof ok; equal: typeof equal; AssertionError: typeof AssertionError };

const assert = Object.assign((value: unknown, message?: string) => ok(value, message), {
  ok,
  equal,
  AssertionError,
}) as Assert;

export default assert;
