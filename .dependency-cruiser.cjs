/**
 * Which of our packages may import which (npm run deps). The layers, bottom up: core (the
 * manifest language, keys, lock, object store, prices) imports nothing of ours; the emulator
 * imports only core; the pipeline imports core; the CLI imports them all. See docs/ARCHITECTURE.md.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'A cycle, even type-only or through a dynamic import, means two files are one concept split in two, or a missing third file.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-imports-nothing-of-ours',
      severity: 'error',
      comment: 'core is the pure bottom layer: the manifest language, keys, lock, object store, prices.',
      from: { path: '^packages/core/src/' },
      to: { path: '^packages/(emulator|pipeline|cli)/' },
    },
    {
      name: 'pipeline-not-to-emulator',
      severity: 'error',
      comment:
        'A library user must not ship a fake server: only the CLI wires the emulator in for --offline. ' +
        'Known violation, allowed until the pipeline restructure of issue 15: provider-factory.ts imports the ' +
        'emulator through a string, which no tool sees; the pipeline\'s package.json still lists @rd-assets/emulator for it.',
      from: { path: '^packages/pipeline/src/' },
      to: { path: '^packages/emulator/' },
    },
    {
      name: 'emulator-only-to-core',
      severity: 'error',
      comment: 'The emulator stands for the API; it shares only the manifest language and catalog of core.',
      from: { path: '^packages/emulator/src/' },
      to: { path: '^packages/(pipeline|cli)/' },
    },
    {
      name: 'nothing-imports-the-cli',
      severity: 'error',
      from: { path: '^packages/(core|emulator|pipeline)/src/' },
      to: { path: '^packages/cli/' },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules', '(^|/)dist/'] },
    exclude: { path: '^packages/[^/]+/schema/' },
    tsPreCompilationDeps: true,
    parser: 'swc',
    tsConfig: { fileName: 'tsconfig.test.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'types', 'default', 'node'],
      mainFields: ['types', 'module', 'main'],
      extensions: ['.ts', '.mts', '.js', '.mjs', '.d.ts', '.json'],
    },
    combinedDependencies: false,
  },
};
