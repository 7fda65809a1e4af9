/**
 * Which of our packages may import which (npm run deps). The layers, bottom up: core (the
 * manifest language, keys, lock, object store, prices) imports nothing of ours; the API client
 * (api) imports only core and does no file I/O; the emulator imports only core; the pipeline
 * imports core and api, never the emulator; the CLI imports them all; the Vite plugin imports
 * only the pipeline and core. See docs/ARCHITECTURE.md.
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
      to: { path: '^packages/(api|emulator|pipeline|cli)/' },
    },
    {
      name: 'api-only-to-core',
      severity: 'error',
      comment: 'The API client speaks HTTP and shares only the manifest language, limits and prices of core.',
      from: { path: '^packages/api/src/' },
      to: { path: '^packages/(emulator|pipeline|cli)/' },
    },
    {
      name: 'api-no-file-io',
      severity: 'error',
      comment: 'The API client does no file I/O: the pipeline stores what it returns.',
      from: { path: '^packages/api/src/' },
      to: { dependencyTypes: ['core'], path: '^(node:)?fs(/promises)?$' },
    },
    {
      name: 'pipeline-not-to-emulator',
      severity: 'error',
      comment: 'A library user must not ship a fake server: only the CLI wires the emulator in for --offline.',
      from: { path: '^packages/pipeline/src/' },
      to: { path: '^packages/emulator/' },
    },
    {
      name: 'emulator-only-to-core',
      severity: 'error',
      comment: 'The emulator stands for the API; it shares only the manifest language and catalog of core.',
      from: { path: '^packages/emulator/src/' },
      to: { path: '^packages/(api|pipeline|cli)/' },
    },
    {
      name: 'nothing-imports-the-cli',
      severity: 'error',
      from: { path: '^packages/(core|api|emulator|pipeline|vite)/src/' },
      to: { path: '^packages/cli/' },
    },
    {
      name: 'vite-plugin-to-pipeline-and-core',
      severity: 'error',
      comment: 'The Vite plugin runs builds through the pipeline; the CLI is a program, and the emulator a test double a user passes in.',
      from: { path: '^packages/vite/src/' },
      to: { path: '^packages/(api|emulator|cli)/' },
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
