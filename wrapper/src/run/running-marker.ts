// A small file per run in progress (`<CLAUDE_OTEL_HOME>/running/<run_id>.json`) with its live
// token and cost figures (runningFigures: also what `--budget-usd` decides on), so `claude-otel
// monitor` in another terminal can show running runs.
// Written atomically (temp file + rename), at most every UPDATE_EVERY_MS, removed when the run's
// ledger record is written. A marker whose pid is gone is stale and ignored by readers: its run
// was killed before it was recorded, and the marker holds what recovering it takes (the session
// id, where Claude Code keeps its transcripts, Claude Code's pid); see recover-runs.ts.
import fs from 'node:fs';
import path from 'node:path';
import { runningDir } from '../config/paths.js';
import type { PriceTable } from '../pricing/price-table.js';
import type { RunningMarker } from '../running/markers.js';
import type { RunAccumulator } from '../stream/run-accumulator.js';
import { addTokens, type TokenCounts, tokenCounts, zeroTokens } from '../usage/tokens.js';

export const UPDATE_EVERY_MS = 500;

/** A run's figures so far, read from its transcripts (run/live-export.ts). */
export interface LiveUsage {
  tokens: TokenCounts;
  cost_usd: number;
  models: string[];
}

type MarkerBase = Pick<RunningMarker, 'run_id' | 'invocation_id' | 'operation' | 'agent' | 'started_at'> &
  Pick<RunningMarker, 'session_id' | 'cwd' | 'claude_config_dir' | 'claude_pid' | 'identity'>;

/**
 * What a running run has spent, as monitor, the status line and `--budget-usd` see it: the
 * transcript's exact figures, or the stream's where it is ahead (a message the transcript has not
 * got yet: its input is exact there, its output the start value). Both are lower bounds of the truth.
 */
export function runningFigures(
  acc: RunAccumulator | undefined,
  table: PriceTable | undefined,
  live: LiveUsage | undefined,
): LiveUsage {
  const tokens = zeroTokens();
  const models = new Set<string>(live?.models);
  for (const t of acc?.turns.values() ?? []) {
    models.add(t.model);
    addTokens(tokens, tokenCounts(t.input, t.output, t.cache_read, t.cache_creation));
  }
  const streamCost = acc && table ? acc.estimateCostUsd(table) : 0;
  if (!live) return { tokens, cost_usd: streamCost, models: [...models] };
  const ahead = tokens.total > live.tokens.total;
  return {
    tokens: ahead ? tokens : live.tokens,
    cost_usd: Math.max(streamCost, live.cost_usd),
    models: [...models],
  };
}

export class RunningMarkerWriter {
  private readonly file: string;
  private last = 0;

  constructor(
    env: NodeJS.ProcessEnv,
    private base: MarkerBase,
  ) {
    this.file = path.join(runningDir(env), `${base.run_id}.json`);
  }

  /** Adds what became known (Claude Code's pid, the session id); written with the next update. */
  set(extra: Pick<MarkerBase, 'session_id' | 'claude_pid'>): void {
    this.base = { ...this.base, ...extra };
  }

  /** Writes the marker; without an accumulator (the stream not read yet) it shows no usage. `live`:
   * the run's figures from its transcripts so far (run/live-export.ts). */
  update(
    acc: RunAccumulator | undefined,
    table: PriceTable | undefined,
    force = false,
    live?: LiveUsage,
  ): void {
    const now = Date.now();
    if (!force && now - this.last < UPDATE_EVERY_MS) return;
    this.last = now;
    const figures = runningFigures(acc, table, live);
    const marker: RunningMarker = {
      ...this.base,
      pid: process.pid,
      updated_at: new Date(now).toISOString(),
      models: figures.models,
      turns: acc?.turns.size ?? 0,
      tokens: figures.tokens,
      cost_usd_estimate: figures.cost_usd,
    };
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.writeFileSync(tmp, JSON.stringify(marker));
      fs.renameSync(tmp, this.file);
    } catch {
      // Only the live view depends on it: never let it disturb the run. A full disk creates the
      // temp file and fails the write: leave no empty file behind, one per failed update.
      try {
        fs.rmSync(tmp, { force: true });
      } catch {
        // Nothing more to do.
      }
    }
  }

  remove(): void {
    fs.rmSync(this.file, { force: true });
  }
}
