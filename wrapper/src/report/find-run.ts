// Which run `show` means: a full run id, a unique prefix of one, or `last`.
import { ClaudeOtelError, EXIT } from '../errors.js';
import type { RunRecord } from '../ledger/schema.js';
import { matchIdPrefix } from './id-prefix.js';

const HINT = 'give a run id or a unique prefix of one, from claude-otel report --breakdown session, or last';

/** Finds a run by id, unique id prefix, or `last`. */
export function findRun(runs: RunRecord[], given: string): RunRecord {
  if (given.trim() === 'last') {
    const last = runs[runs.length - 1];
    if (last) return last;
    throw new ClaudeOtelError('the ledger has no runs yet', {
      hint: 'run claude-otel run or swarm first',
      exitCode: EXIT.failure,
    });
  }
  const id = matchIdPrefix(
    runs.map((r) => r.run_id),
    given,
    'run',
    HINT,
  );
  const run = id === undefined ? undefined : runs.find((r) => r.run_id === id);
  if (run) return run;
  throw new ClaudeOtelError(`no run '${given.trim()}' in the ledger`, { hint: HINT, exitCode: EXIT.usage });
}
