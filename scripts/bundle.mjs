// Bundles the compiled CLI into one ESM file. Start-up time counts against every run claude-otel
// wraps, and resolving and reading hundreds of module files (zod, commander, our own) was most of
// it; OpenTelemetry and gRPC stay external because they are loaded lazily, only when exporting.
import { build } from 'esbuild';

await build({
  entryPoints: ['wrapper/dist/cli/main.js'],
  outdir: 'wrapper/dist/bundle',
  entryNames: 'claude-otel',
  // One chunk per lazily loaded command: `swarm` compiles only what it runs.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  minify: true,
  keepNames: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['@opentelemetry/*', '@grpc/*'],
  // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: 'warning',
  legalComments: 'none',
});
