// A run's spend while it goes on: every interval, when Claude Code's transcripts of the session
// grew, their messages' final usage (main thread and subagents, through the one fold) becomes the
// run's exact figures so far; the contract's points for them (runPoints) less what the journal says
// was sent go out as one delta. One send at a time, journalled before it starts; stop() waits for
// a send in flight, so the final export subtracts a settled figure. Never throws into the run.

import type { Identity } from '../config/identity.js';
import { type LiveFigures, liveStep } from '../export/live-delta.js';
import { LiveJournal } from '../export/live-journal.js';
import { runPoints } from '../export/metric-points.js';
import { type SendTarget, sendCounters } from '../export/otel-send.js';
import type { PriceTable } from '../pricing/price-table.js';
import { SessionTail } from '../transcript/session-tail.js';
import { usageFromMessages } from '../transcript/usage.js';
import { addTokens, zeroTokens } from '../usage/tokens.js';
import { MAX_TRANSCRIPT_BYTES } from './record-run.js';
import type { LiveUsage } from './running-marker.js';

/**
 * Live cost is sent at this share of the price-table figure, so float rounding against Claude
 * Code's own total can never put a live figure above the final one (the rest goes in the final delta).
 */
export const LIVE_COST_SHARE = 1 - 1e-9;

export interface LiveExportOptions {
  /** The environment Claude Code runs with (where its transcripts are). */
  claudeEnv: NodeJS.ProcessEnv;
  /** claude-otel's environment (where the journal goes, beside the running marker). */
  env: NodeJS.ProcessEnv;
  runId: string;
  operation: string;
  agent: string;
  /** Team mode's identity: live points carry the same labels as the run's final points. */
  identity?: Identity | null | undefined;
  startedAt: number;
  cwd: string;
  intervalMs: number;
  table: () => PriceTable | undefined;
  /** Where deltas go; undefined when export is off (the figures are still kept). */
  target?: SendTarget & { timeoutMs: number };
  /** Called when the figures changed. */
  onUsage?: (usage: LiveUsage) => void;
}

export class LiveExport {
  usage: LiveUsage | undefined;
  /** Live sends the collector acknowledged / that failed (for the bench and --debug). */
  sends = 0;
  failures = 0;
  private tail: SessionTail | undefined;
  private journal: LiveJournal | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private unsent = false;
  private current: Parameters<typeof runPoints>[0] | undefined;

  constructor(private readonly options: LiveExportOptions) {}

  /** Starts following the session once Claude Code named it (its init line). */
  follow(sessionId: string): void {
    if (this.tail || this.stopped) return;
    this.tail = new SessionTail(this.options.claudeEnv, sessionId, {
      cwd: this.options.cwd,
      maxBytes: MAX_TRANSCRIPT_BYTES,
    });
    this.timer = setInterval(() => {
      this.running ??= this.step().finally(() => {
        this.running = undefined;
      });
    }, this.options.intervalMs);
    this.timer.unref();
  }

  /** No more steps; waits for a send in flight (bounded by the export timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  private async step(): Promise<void> {
    try {
      const table = this.options.table();
      if (!this.tail || !table) return;
      if (await this.tail.poll()) {
        this.read(table);
        this.unsent = true;
      }
      // Only when something changed since the last acknowledged send (or that send failed).
      if (this.unsent && !this.stopped && this.current && this.options.target)
        this.unsent = !(await this.send(this.options.target));
    } catch {
      // Live figures are a view: the final record and its export stay exact without them.
    }
  }

  private read(table: PriceTable): void {
    const messages = this.tail?.messages(this.options.startedAt) ?? [];
    if (messages.length === 0) return;
    const usage = usageFromMessages(messages, table, new Set());
    const tokens = zeroTokens();
    for (const u of Object.values(usage.models)) addTokens(tokens, u);
    this.usage = { tokens, cost_usd: usage.cost_usd, models: Object.keys(usage.models) };
    this.current = {
      operation: this.options.operation,
      agent: this.options.agent,
      // A run's status is known at its end; the final delta goes under it (see live-delta.ts).
      status: 'success',
      termination: 'completed',
      duration_ms: 0,
      models: usage.models,
      cost_usd: usage.cost_usd * LIVE_COST_SHARE,
      ...(this.options.identity ? { identity: this.options.identity } : {}),
    };
    this.options.onUsage?.(this.usage);
  }

  /** Sends what grew since the last acknowledged send; true when nothing is left unsent. */
  private async send(target: SendTarget & { timeoutMs: number }): Promise<boolean> {
    this.journal ??= new LiveJournal(this.options.env, this.options.runId);
    const points = runPoints(this.current!);
    const { delta, target: figures } = liveStep(points, this.journal.sent);
    if (delta.tokens.length === 0 && delta.cost.length === 0) return true;
    // Durable before the send starts; a journal that cannot be written means no live send.
    const seq = this.journal.intend(figures);
    const error = await sendCounters(target, delta, Date.now() + target.timeoutMs);
    this.journal.settle(seq, figures, error);
    if (error === undefined) this.sends++;
    else this.failures++;
    return error === undefined;
  }

  /** Acknowledged live figures (for tests and the bench). */
  get sent(): LiveFigures {
    return this.journal?.sent ?? {};
  }
}
