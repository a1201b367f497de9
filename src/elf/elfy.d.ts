// elfy 1.0.0 ships no types; the adapter declares the shapes it uses.
declare module 'elfy' {
  const elfy: unknown;
  export default elfy;
}
