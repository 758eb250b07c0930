// Bundles the compiled CLI (wrapper/dist) for a fast start. Start-up time counts against every run
// claude-otel wraps, and resolving, reading and compiling hundreds of module files (zod,
// commander, our own) was most of it. Two bundles:
// - bundle/claude-otel.js and its chunks: every command, ESM, split so a command loads only what
//   it runs.
// - bundle/hot.cjs: what `swarm` and `run` need before they spawn Claude Code, as one CommonJS file
//   (no ESM loader, no per-chunk resolution on the way to the spawn).
// - bundle/heavy.cjs: what a wrapped run needs only after Claude Code is spawned (stream parser,
//   ledger writer, price table, export), as one CommonJS file that hot.cjs requires while Claude
//   Code starts. Loading the same modules as a dozen ESM chunks cost ~100 ms more CPU per run
//   (the ESM loader's resolution and URL handling per file). Its schemas use zod/mini, never
//   classic zod (checked below).
// - bundle/statusline.cjs: `claude-otel statusline`, run at every render of Claude Code's UI, as
//   one small CommonJS file with no dependency at all (the launcher loads it directly).
// - bundle/hook.cjs: `claude-otel hook` (Claude Code's session hook), likewise.
// OpenTelemetry and gRPC stay external: they are loaded lazily, only when exporting.
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const DIST = 'wrapper/dist';
const OUT = `${DIST}/bundle`;
// The modules the hot bundle loads lazily (all from bundle/heavy.cjs), by a name of their own.
const HEAVY = {
  'run-accumulator': 'stream/run-accumulator.js',
  'record-run': 'run/record-run.js',
  'price-table': 'pricing/price-table.js',
  export: 'export/index.js',
  append: 'ledger/append.js',
  'build-record': 'run/build-record.js',
  'session-usage': 'run/session-usage.js',
  'recover-runs': 'run/recover-runs.js',
  'live-export': 'run/live-export.js',
};
// The launcher (wrapper/bin/claude-otel.cjs) starts these from hot.cjs: keep its HOT list in step.
const HOT_COMMANDS = ['cli/swarm.js', 'cli/run.js'];
// CommonJS dependencies bundled into ESM still call require() for Node built-ins (through
// esbuild's __require helper, which lives in one chunk).
const REQUIRE_SHIM =
  "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";
const common = {
  bundle: true,
  minify: true,
  keepNames: true,
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  legalComments: 'none',
  metafile: true,
};

// Chunk names carry content hashes: clear the old ones so they do not pile up.
fs.rmSync(OUT, { recursive: true, force: true });

await build({
  ...common,
  entryPoints: { 'claude-otel': `${DIST}/cli/main.js` },
  outdir: OUT,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  format: 'esm',
  banner: { js: REQUIRE_SHIM },
});

// Each shim costs a createRequire and an import.meta per chunk loaded: keep it only where
// `require` is used.
for (const file of fs.readdirSync(OUT, { recursive: true, encoding: 'utf8' })) {
  if (!file.endsWith('.js')) continue;
  const full = path.join(OUT, file);
  const code = fs.readFileSync(full, 'utf8');
  if (!code.startsWith(REQUIRE_SHIM)) throw new Error(`${full} does not start with the require shim`);
  const body = code.slice(REQUIRE_SHIM.length);
  if (!/\brequire\b/.test(body)) fs.writeFileSync(full, body.replace(/^\n/, ''));
}

// One CommonJS file exporting each heavy module's namespace under its name (dashes as underscores).
const heavyId = (name) => name.replaceAll('-', '_');
const heavy = await build({
  ...common,
  stdin: {
    contents: Object.entries(HEAVY)
      .map(([name, file]) => `export * as ${heavyId(name)} from './${file}';`)
      .join('\n'),
    resolveDir: path.resolve(DIST),
    sourcefile: 'heavy-entry.js',
    loader: 'js',
  },
  outfile: `${OUT}/heavy.cjs`,
  format: 'cjs',
});
// Every wrapped run loads heavy.cjs: classic zod (methods on every schema, the English locale) cost
// ~3x the CPU of zod/mini to load, for the same schemas.
const classicZod = Object.keys(heavy.metafile.inputs).filter((f) =>
  f.includes('node_modules/zod/v4/classic/'),
);
if (classicZod.length > 0) {
  const importers = Object.entries(heavy.metafile.inputs)
    .filter(
      ([f, v]) =>
        !f.includes('node_modules/') &&
        v.imports.some((i) => /node_modules\/zod\/(index|v4\/classic\/)/.test(i.path)),
    )
    .map(([f]) => f);
  throw new Error(
    `heavy.cjs must not bundle classic zod (${classicZod[0]}, imported by ${importers.join(', ') || 'a dependency'}): ` +
      "use `import * as z from 'zod/mini'` in modules a wrapped run loads",
  );
}

const heavyByFile = new Map(Object.entries(HEAVY).map(([name, file]) => [path.resolve(DIST, file), name]));
const hot = await build({
  ...common,
  entryPoints: [`${DIST}/cli/main.js`],
  outfile: `${OUT}/hot.cjs`,
  format: 'cjs',
  plugins: [
    {
      name: 'hot-path',
      setup(b) {
        // A heavy module is a property of bundle/heavy.cjs, required when the run first needs it.
        b.onLoad({ filter: /.*/, namespace: 'heavy' }, (args) => ({
          contents: `module.exports = require('./heavy.cjs').${heavyId(args.path)};`,
          loader: 'js',
        }));
        b.onResolve({ filter: /^\.\/heavy\.cjs$/ }, (args) =>
          args.namespace === 'heavy' ? { path: args.path, external: true } : undefined,
        );
        b.onResolve({ filter: /^\./ }, (args) => {
          if (args.kind !== 'dynamic-import') return undefined;
          const target = path.resolve(args.resolveDir, args.path);
          const relative = path.relative(path.resolve(DIST), target);
          // swarm and run are compiled in; what they load after the spawn comes from bundle/heavy.cjs.
          if (HOT_COMMANDS.includes(relative)) return undefined;
          const heavy = heavyByFile.get(target);
          if (heavy) return { path: heavy, namespace: 'heavy' };
          // Other commands: the launcher never loads this bundle for them.
          if (relative.startsWith('cli/')) return { path: `../${relative}`, external: true };
          return {
            errors: [
              { text: `${relative} is loaded lazily by the hot path: add it to HEAVY in scripts/bundle.mjs` },
            ],
          };
        });
      },
    },
  ],
});
// The point of the hot bundle is what it leaves out.
const inputs = Object.keys(hot.metafile.inputs);
const unwanted = inputs.filter((f) => /node_modules\/(zod|yaml|prom-client)\//.test(f));
if (unwanted.length > 0) throw new Error(`hot.cjs must not bundle ${unwanted[0]}: load it lazily instead`);

// The status line is timed against `node -e 0`: it must bundle nothing but its own few modules.
const statusline = await build({
  ...common,
  entryPoints: [`${DIST}/statusline/main.js`],
  outfile: `${OUT}/statusline.cjs`,
  format: 'cjs',
});
const foreign = Object.keys(statusline.metafile.inputs).filter((f) => f.includes('node_modules/'));
if (foreign.length > 0) throw new Error(`statusline.cjs must not bundle ${foreign[0]}`);

// The session hook runs at the end of every Claude Code session (and after every turn): the same.
const hook = await build({
  ...common,
  entryPoints: [`${DIST}/hook/hook-entry.js`],
  outfile: `${OUT}/hook.cjs`,
  format: 'cjs',
});
const hookForeign = Object.keys(hook.metafile.inputs).filter((f) => f.includes('node_modules/'));
if (hookForeign.length > 0) throw new Error(`hook.cjs must not bundle ${hookForeign[0]}`);
