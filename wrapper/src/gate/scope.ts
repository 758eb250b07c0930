// Which runs a gate counts: this GitHub Actions run (run id and attempt), everything since a time,
// or one swarm (its invocation id).
import { usageError } from '../errors.js';
import type { ReportRun } from '../ledger/report-run.js';
import { parseTimeBound } from '../report/window.js';

export type GateScope =
  | { kind: 'ci-run'; runId: string; attempt: string | null }
  | { kind: 'since'; since: Date }
  | { kind: 'swarm'; id: string };

export function parseScope(
  text: string | undefined,
  env: NodeJS.ProcessEnv,
  now: Date = new Date(),
): GateScope {
  const value = text ?? (env.GITHUB_RUN_ID ? 'ci-run' : 'since:today');
  if (value === 'ci-run') {
    if (!env.GITHUB_RUN_ID) {
      throw usageError(
        '--scope ci-run needs GITHUB_RUN_ID',
        'run it inside GitHub Actions, or use --scope since:<time>',
      );
    }
    return { kind: 'ci-run', runId: env.GITHUB_RUN_ID, attempt: env.GITHUB_RUN_ATTEMPT || null };
  }
  if (value.startsWith('since:'))
    return { kind: 'since', since: parseTimeBound(value.slice(6), 'start', now) };
  if (value.startsWith('swarm:') && value.length > 6) return { kind: 'swarm', id: value.slice(6) };
  throw usageError(`unknown scope '${value}'`, 'use ci-run, since:<time> or swarm:<id>');
}

/** The scope in words; times as ISO (JSON, outputs) unless a formatter for people is given. */
export function describeScope(scope: GateScope, time: (d: Date) => string = (d) => d.toISOString()): string {
  switch (scope.kind) {
    case 'ci-run':
      return `GitHub Actions run ${scope.runId}${scope.attempt ? ` attempt ${scope.attempt}` : ''}`;
    case 'since':
      return `since ${time(scope.since)}`;
    case 'swarm':
      return `swarm ${scope.id}`;
  }
}

export function inScope(run: ReportRun, scope: GateScope): boolean {
  switch (scope.kind) {
    case 'ci-run':
      return (
        run.ci?.run_id === scope.runId &&
        (scope.attempt === null || (run.ci.run_attempt ?? scope.attempt) === scope.attempt)
      );
    case 'since':
      return Date.parse(run.started_at) >= scope.since.getTime();
    case 'swarm':
      return run.invocation_id === scope.id;
  }
}
