// The narration's "why this step matters" texts live with the trace view models (the ASCII export
// and the CLI use them too).
export { WHY } from '../../src/trace/why.ts';
