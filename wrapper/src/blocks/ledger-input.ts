// Where `claude-otel blocks` gets its data: ledger runs through the ledger's report loader and the kept
// plan readings. The one place these imports live, so a move of the loader touches one file.
import { loadReportRuns } from '../ledger/load-runs.js';
import { readPlanObservations } from '../statusline/plan-observations.js';
import type { BlockRun } from './build-blocks.js';

export function loadBlockInput(
  window: { since: Date; until: Date },
  env: NodeJS.ProcessEnv,
): { runs: BlockRun[]; resetsAt: number[]; warnings: string[] } {
  const { runs, warnings } = loadReportRuns({ ...window, env, cache: true });
  const resetsAt = readPlanObservations(env)
    .filter((o) => o.window === 'five_hour')
    .map((o) => o.resets_at);
  return { runs, resetsAt, warnings };
}
