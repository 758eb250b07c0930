#!/usr/bin/env node
// Thin launcher: the CLI is compiled to wrapper/dist and bundled into one file for a fast start
// (npm run build); the unbundled modules are the fallback.
const { main } = await import('../dist/claude-otel.bundle.js').catch(() => import('../dist/cli/main.js'));

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = 1;
  },
);
