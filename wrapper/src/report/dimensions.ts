// The dimensions a report can be broken down by, and each run's key(s) in them. A run that used
// two models counts under both (with each model's own tokens and cost), as in the metrics.
import type { ReportRun } from '../ledger/report-run.js';
import { localDay } from './window.js';

export const DIMENSIONS = [
  'model',
  'agent',
  'subagent',
  'operation',
  'day',
  'session',
  'repository',
  'branch',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const NONE = '(none)';

export function repositoryOf(run: ReportRun): string {
  if (run.git?.repo) return run.git.repo;
  if (run.ci?.repository) return run.ci.repository;
  const base = run.cwd.split(/[\\/]/).filter(Boolean).pop();
  return base ?? NONE;
}

/** The key of a run in a dimension other than `model` and `subagent` (which split a run). */
export function keyOf(run: ReportRun, dim: Exclude<Dimension, 'model' | 'subagent'>): string {
  switch (dim) {
    case 'agent':
      return run.agent;
    case 'operation':
      return run.operation;
    case 'day':
      return localDay(run.started_at);
    case 'session':
      return run.session_id ?? run.run_id;
    case 'repository':
      return repositoryOf(run);
    case 'branch':
      return run.git?.branch ?? NONE;
  }
}

export function parseDimensions(text: string | boolean | undefined): Dimension[] {
  if (text === undefined || text === false) return [];
  if (text === true || text === 'all') return [...DIMENSIONS];
  const out: Dimension[] = [];
  for (const part of text.split(',').map((s) => s.trim().toLowerCase())) {
    const dim = (part === 'repo' ? 'repository' : part) as Dimension;
    if (!DIMENSIONS.includes(dim)) {
      throw new TypeError(`unknown breakdown '${part}' (one or more of ${DIMENSIONS.join(', ')}, or all)`);
    }
    if (!out.includes(dim)) out.push(dim);
  }
  return out;
}
