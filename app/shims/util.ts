// Browser stand-in for the one piece of Node's `util` that elfy uses (util.inherits).
// Wired through resolve.alias in vite.config.ts; under Vitest (Node) the real module is used.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Ctor = { prototype: object; super_?: unknown };

export function inherits(ctor: Ctor, superCtor: Ctor): void {
  Object.defineProperty(ctor, 'super_', { value: superCtor, writable: true, configurable: true });
  Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
}

export default { inherits };
