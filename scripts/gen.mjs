#!/usr/bin/env node
// `npm run gen`: runs every generator of the repo in turn (append new ones below).
// Arguments are passed on, e.g. `npm run gen -- --thresholds my-thresholds.json`.
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const steps = [
  ['npx', ['tsx', 'grafana/gen.ts', ...process.argv.slice(2)]],
  // The seeded fixture ledger; then rewrite the report goldens from it (review the diff).
  ['npx', ['tsx', 'wrapper/test/fixtures/ledger/generate-ledger.ts']],
  [
    'npx',
    ['vitest', 'run', '--project', 'unit', 'wrapper/test/unit/report/golden.test.ts'],
    { UPDATE_GOLDEN: '1' },
  ],
  // Re-records the stream-json fixtures with the pinned Claude Code (a few seconds, loopback only).
  ['npx', ['tsx', 'wrapper/test/fixtures/record-streams.ts']],
  // Re-records the transcript fixtures (main and subagent transcripts, and each run's stream).
  ['npx', ['tsx', 'wrapper/test/fixtures/transcripts/record-transcripts.ts']],
  // Re-records what Claude Code pipes to a statusLine command (interactive, under a pty).
  ['npx', ['tsx', 'wrapper/test/fixtures/record-statusline.ts']],
  // The GitHub Action's one-file CLI (dist/claude-otel.mjs), rebuilt from the sources.
  ['node', ['scripts/bundle-action.mjs']],
];

for (const [cmd, args, env] of steps) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`gen: '${cmd} ${args.join(' ')}' failed`);
    process.exit(r.status ?? 1);
  }
}
