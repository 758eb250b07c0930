// Which run `show` means: a full run id, a unique prefix of one, or `last`.
import { ClaudeOtelError, EXIT } from '../errors.js';
import type { RunRecord } from '../ledger/schema.js';

/** Finds a run by id, unique id prefix, or `last`. */
export function findRun(runs: RunRecord[], given: string): RunRecord {
  const ref = given.trim();
  // Every id starts with the empty prefix: "" would pick the only run, or say it matches them all.
  if (ref === '')
    throw new ClaudeOtelError('the run id is empty', {
      hint: 'give a run id or a unique prefix of one, from claude-otel report --breakdown session, or last',
      exitCode: EXIT.usage,
    });
  if (ref === 'last') {
    const last = runs[runs.length - 1];
    if (last) return last;
    throw new ClaudeOtelError('the ledger has no runs yet', {
      hint: 'run claude-otel run or swarm first',
      exitCode: EXIT.failure,
    });
  }
  const exact = runs.find((r) => r.run_id === ref);
  if (exact) return exact;
  const matches = runs.filter((r) => r.run_id.startsWith(ref));
  if (matches.length === 1) return matches[0]!;
  throw new ClaudeOtelError(
    matches.length === 0 ? `no run '${ref}' in the ledger` : `'${ref}' matches ${matches.length} runs`,
    { hint: 'use a full run id from claude-otel report --breakdown session, or last', exitCode: EXIT.usage },
  );
}
