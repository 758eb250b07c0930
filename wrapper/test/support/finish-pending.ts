// Finishes what a wrapped run's bounded end-of-run export left unsent, the documented way.
import { expect } from 'vitest';
import { pendingRunIds } from '../../src/ledger/read.js';
import { type CliResult, runCli, type Sandbox } from './cli.js';

/**
 * A run's end-of-run export is bounded (2 s from Claude Code's result, shared with Claude Code's
 * own flush and the last live send): on a loaded machine it can run out, leaving the run pending
 * for the next run or `claude-otel sync` (docs/pipeline.md, "Durability and bounds"). That is
 * product behaviour, not a defect, so a test that checks what reached the collector runs `sync`
 * when something is pending (and says so), asserts it succeeded and left nothing pending, and then
 * checks the totals, which must be exact either way.
 *
 * Returns sync's result when it ran (e.g. to scan its output), undefined when nothing was pending.
 */
export async function finishPending(
  sandbox: Pick<Sandbox, 'env' | 'workdir'>,
  label: string,
): Promise<CliResult | undefined> {
  const pending = pendingRunIds(sandbox.env).map((p) => p.run_id);
  if (pending.length === 0) return undefined;
  console.log(
    `[finish-pending] ${label}: ${pending.length} run(s) left pending by the bounded export (${pending.join(', ')}); sync sends them`,
  );
  const sync = await runCli(['sync', '--json'], sandbox, 60_000);
  expect(sync.code, `${label}: sync: ${sync.stderr}`).toBe(0);
  expect(pendingRunIds(sandbox.env), `${label}: still pending after sync`).toEqual([]);
  return sync;
}
