// A small file per run in progress (`<CLAUDE_OTEL_HOME>/running/<run_id>.json`) with its live
// token and cost estimate, so `claude-otel monitor` in another terminal can show running runs.
// Written atomically (temp file + rename), at most every UPDATE_EVERY_MS, removed when the run's
// ledger record is written. A marker whose pid is gone is stale and ignored by readers.
import fs from 'node:fs';
import path from 'node:path';
import { dataHome } from '../config/paths.js';
import type { PriceTable } from '../pricing/price-table.js';
import { isProcessAlive } from '../process-alive.js';
import type { RunAccumulator } from '../stream/run-accumulator.js';
import { addTokens, type TokenCounts, tokenCounts, zeroTokens } from '../usage/tokens.js';

export const UPDATE_EVERY_MS = 500;

export interface RunningMarker {
  run_id: string;
  invocation_id: string;
  operation: string;
  agent: string;
  pid: number;
  started_at: string;
  updated_at: string;
  models: string[];
  turns: number;
  /** As streamed so far (output counts lag until the result arrives). */
  tokens: TokenCounts;
  cost_usd_estimate: number;
}

export function runningDir(env: NodeJS.ProcessEnv): string {
  return path.join(dataHome(env), 'running');
}

export class RunningMarkerWriter {
  private readonly file: string;
  private last = 0;

  constructor(
    env: NodeJS.ProcessEnv,
    private readonly base: Pick<
      RunningMarker,
      'run_id' | 'invocation_id' | 'operation' | 'agent' | 'started_at'
    >,
  ) {
    this.file = path.join(runningDir(env), `${base.run_id}.json`);
  }

  /** Writes the marker; without an accumulator (the stream not read yet) it shows no usage. */
  update(acc: RunAccumulator | undefined, table: PriceTable | undefined, force = false): void {
    const now = Date.now();
    if (!force && now - this.last < UPDATE_EVERY_MS) return;
    this.last = now;
    const tokens = zeroTokens();
    const models = new Set<string>();
    for (const t of acc?.turns.values() ?? []) {
      models.add(t.model);
      addTokens(tokens, tokenCounts(t.input, t.output, t.cache_read, t.cache_creation));
    }
    const marker: RunningMarker = {
      ...this.base,
      pid: process.pid,
      updated_at: new Date(now).toISOString(),
      models: [...models],
      turns: acc?.turns.size ?? 0,
      tokens,
      cost_usd_estimate: acc && table ? acc.estimateCostUsd(table) : 0,
    };
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(marker));
      fs.renameSync(tmp, this.file);
    } catch {
      // Only the live view depends on it: never let it disturb the run.
    }
  }

  remove(): void {
    fs.rmSync(this.file, { force: true });
  }
}

/** Markers of runs still in progress (their wrapper process is alive). */
export function readRunningMarkers(env: NodeJS.ProcessEnv): RunningMarker[] {
  const dir = runningDir(env);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const out: RunningMarker[] = [];
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    try {
      const marker = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as RunningMarker;
      if (isProcessAlive(marker.pid)) out.push(marker);
    } catch {
      // Removed between readdir and read, or torn: skip.
    }
  }
  return out;
}
