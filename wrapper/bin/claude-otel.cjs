#!/usr/bin/env node
// Thin launcher. `swarm` and `run` wrap a Claude Code run, and every millisecond before Claude Code
// is spawned is added to it: they start from one CommonJS bundle (no ESM loader on the way to the
// spawn) that loads the rest while Claude Code starts. Every other command starts from the ESM
// bundle, split per command. Both are built by `npm run build` (scripts/bundle.mjs); the
// unbundled modules are the last fallback. This file is CommonJS for the same reason.
'use strict';
const fs = require('node:fs');
const nodeModule = require('node:module');
const path = require('node:path');

// Cache compiled code between runs: Node 22+ itself, Node 20 for our bundles (compile-cache.cjs).
if (nodeModule.enableCompileCache) nodeModule.enableCompileCache();
else require('./compile-cache.cjs').enableBundleCodeCache(path.join(__dirname, '../dist/bundle'));

// stdout that cannot be written is never worth a stack trace: the rest of the output is dropped
// and the command finishes (a run is recorded all the same). A reader that stops early
// (`claude-otel report | head`) is normal and stays quiet; any other failure (a full disk) is told
// in one line at the end, and fails a command whose output was its purpose (report, ...), while a
// wrapped run keeps Claude Code's exit code.
let stdoutError;
process.stdout.on('error', (error) => {
  stdoutError ??= error;
});
// At exit, because the error of the last write may be emitted after the command has returned.
process.once('exit', (code) => {
  if (!stdoutError || stdoutError.code === 'EPIPE' || stdoutError.code === 'ERR_STREAM_DESTROYED') return;
  process.stderr.write(
    `claude-otel: cannot write the output: ${stdoutError.message} (free space or send stdout elsewhere)\n`,
  );
  if (code === 0 && !HOT.includes(command)) process.exitCode = 1;
});

// The commands compiled into hot.cjs (HOT_COMMANDS in scripts/bundle.mjs), by every name they answer to.
const HOT = ['swarm', 'run', 'passthrough'];
const args = process.argv.slice(2);
const split = args.indexOf('--');
// The command is the first word that is not an option, as the CLI itself reads it.
const command = (split === -1 ? args : args.slice(0, split)).find((a) => !a.startsWith('-'));

function loadMain() {
  // Only a missing build falls through: a bundle that fails to load is a bug to see.
  // The status line runs at every render of Claude Code's UI: its own small bundle, no CLI parser.
  const statusline = path.join(__dirname, '../dist/bundle/statusline.cjs');
  const help = args.includes('--help') || args.includes('-h');
  if (command === 'statusline' && !help && fs.existsSync(statusline))
    return Promise.resolve(require(statusline));
  // The session hook adds its start-up to the end of every Claude Code session: its own bundle too.
  const hook = path.join(__dirname, '../dist/bundle/hook.cjs');
  if (command === 'hook' && args.length === 1 && fs.existsSync(hook)) return Promise.resolve(require(hook));
  const hot = path.join(__dirname, '../dist/bundle/hot.cjs');
  if (HOT.includes(command) && fs.existsSync(hot)) return Promise.resolve(require(hot));
  if (fs.existsSync(path.join(__dirname, '../dist/bundle/claude-otel.js'))) {
    return import('../dist/bundle/claude-otel.js');
  }
  return import('../dist/cli/main.js');
}

Promise.resolve()
  .then(loadMain)
  .then(({ main }) => main(args))
  .then(
    (code) => {
      process.exitCode = code;
    },
    // main() reports its own errors: only a bundle that cannot be loaded gets here.
    (error) => {
      process.stderr.write(
        `claude-otel: cannot start: ${error?.message ?? error} (run npm run build, or reinstall)\n`,
      );
      process.exitCode = 1;
    },
  );
