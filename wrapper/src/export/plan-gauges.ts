// Plan usage as gauges: the latest kept reading of each plan window (statusline/plan-observations)
// is sent with the next export (a run's, or `claude-otel sync`) when the status line has queued
// one, so the status line itself never waits on the network. Prometheus then shows
// claude_otel_plan_used_percent{window} and claude_otel_plan_resets_at_seconds{window} over time.
import fs from 'node:fs';
import type { PlanWindowName } from '../statusline/payload.js';
import { type PlanObservation, planPaths, readPlanObservations } from '../statusline/plan-observations.js';

/** OTLP names and units; the collector's prometheus exporter gives the names in the comments. */
export const PLAN_INSTRUMENTS = {
  /** claude_otel_plan_used_percent */
  used: {
    name: 'claude_otel.plan.used_percent',
    unit: '%',
    description: "Share of a Claude plan window's limit used (0-100), as Claude Code last reported it",
  },
  /** claude_otel_plan_resets_at_seconds */
  resetsAt: {
    name: 'claude_otel.plan.resets_at',
    unit: 's',
    description: 'When the Claude plan window last reported resets (Unix time, seconds)',
  },
} as const;

export interface PlanGauge {
  window: PlanWindowName;
  used_percent: number;
  resets_at: number;
}

/** Each window's latest reading: the latest window (resets_at), then the latest observed in it. */
export function latestPlanGauges(observations: readonly PlanObservation[]): PlanGauge[] {
  const latest = new Map<PlanWindowName, PlanObservation>();
  for (const o of observations) {
    const prev = latest.get(o.window);
    if (
      !prev ||
      o.resets_at > prev.resets_at ||
      (o.resets_at === prev.resets_at && o.observed_at >= prev.observed_at)
    )
      latest.set(o.window, o);
  }
  return [...latest.values()].map((o) => ({
    window: o.window,
    used_percent: o.used_percentage,
    resets_at: o.resets_at,
  }));
}

export type SendPlan = (gauges: PlanGauge[], deadline: number) => Promise<string | undefined>;

/**
 * Sends the plan gauges when a reading is queued; clears the queue marker only if no reading
 * arrived meanwhile. Returns an error message or undefined; never throws.
 */
export async function exportQueuedPlan(
  send: SendPlan,
  env: NodeJS.ProcessEnv,
  deadline: number,
): Promise<string | undefined> {
  const { unsent } = planPaths(env);
  let queuedAt: number;
  try {
    queuedAt = fs.statSync(unsent).mtimeMs;
  } catch {
    return undefined; // nothing queued
  }
  try {
    const gauges = latestPlanGauges(readPlanObservations(env));
    if (gauges.length > 0) {
      const error = await send(gauges, deadline);
      if (error) return `plan gauges not sent: ${error}`;
    }
    if (fs.statSync(unsent).mtimeMs === queuedAt) fs.rmSync(unsent, { force: true });
    return undefined;
  } catch (error) {
    return `plan gauges not sent: ${(error as Error).message}`;
  }
}
