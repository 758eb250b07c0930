#!/usr/bin/env node
// Thin launcher: the CLI is compiled to wrapper/dist and bundled into one file for a fast start
// (npm run build); the unbundled modules are the fallback.
import module from 'node:module';

// Node 22+: cache compiled code between runs (start-up time counts against every wrapped run).
module.enableCompileCache?.();
const { main } = await import('../dist/bundle/claude-otel.js').catch(() => import('../dist/cli/main.js'));

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = 1;
  },
);
