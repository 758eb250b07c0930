// What reports, gates, monitors and serve read of a run record: the fields the fast reader keeps
// (the bulky turns and spans only when asked for). A full RunRecord is one too.
import type { RunRecord } from './schema.js';

/** What the cache-health trend uses of a turn; a full turn record is one too. */
export type ReportTurn = Pick<
  RunRecord['turns'][number],
  'start_ms' | 'input' | 'cache_read' | 'cache_creation'
>;

/** What reports use of a run record; a full RunRecord is one too. */
export type ReportRun = Pick<
  RunRecord,
  | 'run_id'
  | 'invocation_id'
  | 'session_id'
  | 'operation'
  | 'agent'
  | 'started_at'
  | 'ended_at'
  | 'duration_ms'
  | 'cwd'
  | 'git'
  | 'ci'
  | 'identity'
  | 'status'
  | 'termination'
  | 'num_turns'
  | 'models'
  | 'cost_usd'
  | 'cost_source'
  | 'usage_source'
  | 'unknown_models'
  | 'tool_calls'
  | 'subagents'
> & { turns?: ReportTurn[] };
