import { resolve } from 'node:path';
import type { Plugin, ResolvedConfig } from 'vite';
import { DevSession } from './dev-session.js';
import { errorLine } from './error-line.js';
import { frozenBuild } from './frozen-build.js';
import { outputMiddleware } from './output-middleware.js';
import { readOutputIndex } from './output-index.js';
import { pluginEnvironment } from './plugin-environment.js';
import type { RdAssetsOptions } from './plugin-options.js';
import { writeTypesRegistration } from './types-registration.js';
import { buildModuleCode, devModuleCode, moduleData, RESOLVED_VIRTUAL_ID, VIRTUAL_ID } from './virtual-module.js';

/**
 * The rd-assets Vite plugin. `vite dev`: builds the manifest at start and on every save (the
 * watch engine, with its credit cap), serves the outputs, and hot-swaps changed images.
 * `vite build`: a frozen build (no API call), then every output file an asset Vite hashes and
 * emits. Both expose `virtual:rd-assets` (typed by `@rd-assets/vite/client`).
 */
export function rdAssets(options: RdAssetsOptions = {}): Plugin {
  let config: ResolvedConfig;
  let dev: DevSession | undefined;
  let built: Promise<void> | undefined;
  const project = () => ({
    manifest: resolve(config.root, options.manifest ?? 'assets.yaml'),
    cwd: config.root,
    ...(options.cacheDir ? { cacheDir: resolve(config.root, options.cacheDir) } : {}),
  });

  return {
    name: 'rd-assets',
    configResolved(resolved) {
      config = resolved;
    },

    async configureServer(server) {
      const { env, provider } = pluginEnvironment(options);
      dev = new DevSession(server, {
        ...project(),
        env,
        provider,
        ...(options.maxCredits === undefined ? {} : { maxCredits: options.maxCredits }),
        ...(options.debounceMs === undefined ? {} : { debounceMs: options.debounceMs }),
      });
      const session = dev;
      server.middlewares.use(outputMiddleware({ base: config.base, files: () => session.servedFiles }));
      await dev.start();
    },

    async buildStart() {
      if (config.command !== 'build') return;
      // One frozen build per `vite build`, however many environments start.
      built ??= frozenBuild({ ...project(), ...pluginEnvironment(options) });
      try {
        await built;
      } catch (e) {
        this.error(errorLine(e));
      }
    },

    // `vite dev` calls it when the server closes: the watch session ends with it.
    async closeBundle() {
      await dev?.close();
    },

    resolveId(id) {
      return id === VIRTUAL_ID ? RESOLVED_VIRTUAL_ID : undefined;
    },

    async load(id) {
      if (id !== RESOLVED_VIRTUAL_ID) return undefined;
      if (dev) {
        const session = dev;
        await session.ready;
        const index = session.current;
        return devModuleCode(index ? moduleData(index, (f) => session.url(f)) : { assets: {}, animations: {}, atlases: {} });
      }
      const index = await readOutputIndex({ ...project(), env: pluginEnvironment(options).env });
      await writeTypesRegistration(index);
      return buildModuleCode(index, (f) => resolve(index.outDir, f));
    },
  };
}
