#!/usr/bin/env node
// Thin launcher: the CLI lives in the compiled wrapper/dist (npm run build).
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = 1;
  },
);
