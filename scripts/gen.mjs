#!/usr/bin/env node
// `npm run gen`: runs every generator of the repo in turn (append new ones below).
// Arguments are passed on, e.g. `npm run gen -- --thresholds my-thresholds.json`.
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const steps = [
  ['npx', ['tsx', 'grafana/gen.ts', ...process.argv.slice(2)]],
  // Re-records the stream-json fixtures with the pinned Claude Code (a few seconds, loopback only).
  ['npx', ['tsx', 'wrapper/test/fixtures/record-streams.ts']],
  // Re-records what Claude Code pipes to a statusLine command (interactive, under a pty).
  ['npx', ['tsx', 'wrapper/test/fixtures/record-statusline.ts']],
];

for (const [cmd, args] of steps) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`gen: '${cmd} ${args.join(' ')}' failed`);
    process.exit(r.status ?? 1);
  }
}
