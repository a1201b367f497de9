// Layer rules, checked by `npm run deps` (part of `npm run lint`). The core (src/) runs in the
// worker, the CLI and the tests; the app (app/) draws it. Arrows point down only:
//   app → src;  src/{cli,scenarios,strategies,export,view_model,audit,permalink} → src/trace,
//   src/strategies → src/reconstructions → src/kernel → src/elf, src/decompress.  src/elf is the bottom: it imports only src/format, a leaf.
const TEST = '\\.test\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'src-not-to-app',
      comment: 'The core never imports the app: it runs in the worker and under Node, with no DOM.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^app/' },
    },
    {
      name: 'kernel-not-up',
      comment:
        'The emulated kernel knows nothing of what drives it (scenarios, strategies, the CLI, the engine), ' +
        'of the never-merged designs a strategy plugs into its hooks (reconstructions) ' +
        'or of what reads its trace (audit, exports, view models, permalinks).',
      severity: 'error',
      from: { path: '^src/kernel/' },
      to: {
        path: '^src/(scenarios|strategies|cli|engine|reconstructions|export|view_model|audit|permalink|fuzz|klp_packaging|klp_convert)/',
      },
    },
    {
      name: 'elf-is-the-bottom',
      comment: 'The ELF reader imports nothing of ours but src/format (its tests may use test helpers and the loader).',
      severity: 'error',
      from: { path: '^src/elf/', pathNot: TEST },
      to: { path: '^(src|app)/', pathNot: '^src/(elf|format)/' },
    },
    {
      name: 'format-is-a-leaf',
      comment: 'src/format (hex and the like) imports nothing of ours: every layer may use it.',
      severity: 'error',
      from: { path: '^src/format/', pathNot: TEST },
      to: { path: '^(src|app)/', pathNot: '^src/format/' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles, type-only imports included: each module can be read after the ones it imports.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // type-only imports count: a cycle of types is still a cycle for the reader
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.d.ts'] },
  },
};
