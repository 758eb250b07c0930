// The checks behind `claude-otel doctor`: the claude binary, the telemetry settings, the session
// hook's log, a real OTLP export to the collector, Prometheus, and whether the last run is visible
// there (waiting for one scrape when it was sent since the last one), the team tier when it was
// started here; each failure with its fix.

import { spawnSync } from 'node:child_process';
import { parseHttpUrl } from '../config/options.js';
import { resolveExportConfig } from '../export/config.js';
import { probeOtlpExport } from '../export/otlp-probe.js';
import { failureReason } from '../failure-reason.js';
import { hookLogPath, readHookProblems } from '../hook/hook-log.js';
import { exportedAt, type LedgerRun, pendingRunIds, readLedger } from '../ledger/read.js';
import { primaryModel } from '../usage/cost-split.js';
import type { Check } from './doctor-check.js';
import { COLLECTOR_JOB } from './prometheus-config.js';
import { readSettings, SETTINGS_SCOPES, settingsPath } from './settings-files.js';
import { checkTeamStack } from './team-doctor.js';

/** Deadline of the OTLP export probe. */
export const OTLP_PROBE_TIMEOUT_MS = 2000;
/** Longest doctor waits for Prometheus' next scrape of a run it was sent since the last one. */
export const MAX_SCRAPE_WAIT_MS = 16_000;
/** Time the collector may take from receiving a run to exposing it (its batch timeout is 200 ms). */
const COLLECTOR_LAG_MS = 1000;
/** Prometheus' own default scrape interval, for targets that do not say theirs. */
const DEFAULT_SCRAPE_INTERVAL_MS = 15_000;
/** How long a scrape that has started may take to make its samples queryable. */
const SCRAPE_SETTLE_MS = 3000;

export type { Check } from './doctor-check.js';

const DEFAULT_PROMETHEUS_URL = 'http://localhost:9090';

export function prometheusUrl(env: NodeJS.ProcessEnv): string {
  const url = env.CLAUDE_OTEL_PROMETHEUS_URL?.trim()
    ? parseHttpUrl(env.CLAUDE_OTEL_PROMETHEUS_URL, 'CLAUDE_OTEL_PROMETHEUS_URL', DEFAULT_PROMETHEUS_URL)
    : DEFAULT_PROMETHEUS_URL;
  return url.replace(/\/$/, '');
}

function checkClaude(env: NodeJS.ProcessEnv): Check {
  const bin = env.CLAUDE_OTEL_CLAUDE_BIN ?? 'claude';
  const r = spawnSync(bin, ['--version'], { env, encoding: 'utf8', timeout: 15_000 });
  if (r.status === 0) return { name: 'claude binary', ok: true, detail: `${bin} ${r.stdout.trim()}` };
  return {
    name: 'claude binary',
    ok: false,
    detail: r.error ? `${bin}: ${r.error.message}` : `${bin} --version exited ${r.status}`,
    fix: 'npm install -g @anthropic-ai/claude-code (or set CLAUDE_OTEL_CLAUDE_BIN)',
  };
}

function checkTelemetryEnv(env: NodeJS.ProcessEnv, cwd: string): Check {
  const config = resolveExportConfig(env);
  if (!config.enabled) {
    return {
      name: 'telemetry env',
      ok: false,
      detail: 'CLAUDE_OTEL_EXPORT=off: runs stay unsent',
      fix: 'unset CLAUDE_OTEL_EXPORT, then claude-otel sync',
    };
  }
  // A file that does not parse gives plain sessions nothing: say so, never report it as "off".
  const broken: string[] = [];
  const enabled = SETTINGS_SCOPES.map((scope) => {
    try {
      return readSettings(settingsPath(scope, env, cwd)).env?.CLAUDE_CODE_ENABLE_TELEMETRY === '1';
    } catch (error) {
      broken.push((error as Error).message);
      return false;
    }
  });
  if (broken.length > 0) {
    return {
      name: 'telemetry env',
      ok: false,
      detail: broken.join('; '),
      fix: 'fix the JSON by hand, then claude-otel setup',
    };
  }
  const plain = enabled.includes(true) || env.CLAUDE_CODE_ENABLE_TELEMETRY === '1';
  return {
    name: 'telemetry env',
    ok: true,
    detail: `wrapped runs export to ${config.endpoint}; plain claude sessions: ${plain ? 'telemetry on' : 'telemetry off'}`,
    ...(plain ? {} : { fix: 'claude-otel setup (so plain `claude` sessions export too)' }),
  };
}

async function checkOtlp(env: NodeJS.ProcessEnv): Promise<Check> {
  const { endpoint, headers } = resolveExportConfig(env);
  const error = await probeOtlpExport(endpoint, headers, OTLP_PROBE_TIMEOUT_MS);
  return error
    ? {
        name: 'OTLP collector',
        ok: false,
        detail: error,
        fix: 'claude-otel stack up (or set OTEL_EXPORTER_OTLP_ENDPOINT to your collector)',
      }
    : { name: 'OTLP collector', ok: true, detail: `${endpoint} answers OTLP exports` };
}

async function query(base: string, expr: string): Promise<number | undefined> {
  const r = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(expr)}`, {
    signal: AbortSignal.timeout(3000),
  });
  const body = (await r.json()) as { data?: { result?: { value: [number, string] }[] } };
  const result = body.data?.result ?? [];
  return result.length === 0 ? undefined : result.reduce((s, x) => s + Number(x.value[1]), 0);
}

interface ScrapeState {
  /** The collector target's last scrape (ms; 0 or less before the first). */
  lastMs: number;
  intervalMs: number;
  /** How many targets Prometheus has (0 while discovery has not found the collector yet). */
  targets: number;
}

/** Milliseconds of a Prometheus duration such as 15s, 1m30s or 500ms. */
function durationMs(text: string | undefined): number | undefined {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  let ms = 0;
  for (const [, n, unit] of (text ?? '').matchAll(/(\d+)(ms|s|m|h|d)/g))
    ms += Number(n) * (units[unit!] ?? 0);
  return ms > 0 ? ms : undefined;
}

/** When Prometheus last scraped the collector (its job, else any target) and how often it does. */
async function collectorScrape(base: string): Promise<ScrapeState | undefined> {
  const r = await fetch(`${base}/api/v1/targets?state=active`, { signal: AbortSignal.timeout(3000) });
  const body = (await r.json()) as {
    data?: { activeTargets?: { scrapePool?: string; lastScrape?: string; scrapeInterval?: string }[] };
  };
  const all = body.data?.activeTargets ?? [];
  const ours = all.filter((t) => t.scrapePool === COLLECTOR_JOB);
  const targets = ours.length > 0 ? ours : all;
  // No target yet (discovery still running, or none configured): nothing has been scraped.
  if (targets.length === 0) return { lastMs: 0, intervalMs: DEFAULT_SCRAPE_INTERVAL_MS, targets: 0 };
  return {
    lastMs: Math.max(...targets.map((t) => Date.parse(t.lastScrape ?? '') || 0)),
    intervalMs: Math.max(...targets.map((t) => durationMs(t.scrapeInterval) ?? DEFAULT_SCRAPE_INTERVAL_MS)),
    targets: targets.length,
  };
}

/**
 * A run sent since Prometheus' last scrape of the collector cannot be there yet: waits for the
 * next scrape (at most one interval, capped), then says whether it came.
 */
async function awaitScrapeAfter(
  base: string,
  sentMs: number,
): Promise<{ scraped: boolean; intervalMs: number }> {
  const first = await collectorScrape(base).catch(() => undefined);
  // Without target information, the query's answer is all there is to go by.
  if (!first) return { scraped: true, intervalMs: DEFAULT_SCRAPE_INTERVAL_MS };
  const done = (s: ScrapeState | undefined) => s !== undefined && s.lastMs >= sentMs + COLLECTOR_LAG_MS;
  if (done(first)) return { scraped: true, intervalMs: first.intervalMs };
  const bound = (s: ScrapeState) => Math.min(s.intervalMs + COLLECTOR_LAG_MS, MAX_SCRAPE_WAIT_MS);
  let until = Date.now() + bound(first);
  let discovering = first.targets === 0;
  while (Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = await collectorScrape(base).catch(() => undefined);
    if (done(now)) return { scraped: true, intervalMs: first.intervalMs };
    // A target found only now is first scraped up to one interval later: wait that long for it.
    if (discovering && now && now.targets > 0) {
      discovering = false;
      until = Date.now() + bound(now);
    }
  }
  return { scraped: false, intervalMs: first.intervalMs };
}

/** Whether the last run's series is in Prometheus; one scrape is waited for when it is due. */
async function lastRunCheck(base: string, last: LedgerRun, env: NodeJS.ProcessEnv): Promise<Check> {
  const selector = `model="${primaryModel(last)}",operation="${last.operation}",status="${last.status}"`;
  const expr = `sum(openai_request_duration_ms_count{${selector}})`;
  let count = await query(base, expr).catch(() => undefined);
  const sentMs = exportedAt(last.run_id, env);
  if (!(count && count > 0) && sentMs !== undefined) {
    const scrape = await awaitScrapeAfter(base, sentMs);
    const ago = Math.max(0, Math.round((Date.now() - sentMs) / 1000));
    // Sent within the last scrape intervals: the scrape is still to come. Longer ago: it stopped.
    const recent = Date.now() - sentMs <= 2 * scrape.intervalMs + COLLECTOR_LAG_MS;
    if (!scrape.scraped) {
      return recent
        ? {
            name: 'last run in Prometheus',
            ok: true,
            detail: `not scraped yet: run ${last.run_id} was sent ${ago} s ago and Prometheus has not scraped the collector since; run doctor again after its next scrape`,
          }
        : {
            name: 'last run in Prometheus',
            ok: false,
            detail: `Prometheus has not scraped the collector since run ${last.run_id} was sent ${ago} s ago (scrape interval ${scrape.intervalMs / 1000} s)`,
            fix: 'check the otel-collector target at <prometheus>/targets and that the collector runs (claude-otel stack status)',
          };
    }
    // A target's lastScrape is when the scrape started: its samples land a moment later.
    const settle = Date.now() + SCRAPE_SETTLE_MS;
    do {
      count = await query(base, expr).catch(() => undefined);
      if (count && count > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    } while (Date.now() < settle);
  }
  return count && count > 0
    ? {
        name: 'last run in Prometheus',
        ok: true,
        detail: `openai_request_duration_ms_count{${selector}} = ${count}`,
      }
    : {
        name: 'last run in Prometheus',
        ok: false,
        detail: `run ${last.run_id} was sent but openai_request_duration_ms_count{${selector}} is absent`,
        fix: 'check that Prometheus scrapes the collector (job otel-collector in prometheus/prometheus.yml, collector port 8889); a restarted collector starts its totals from zero',
      };
}

async function checkPrometheus(env: NodeJS.ProcessEnv): Promise<Check[]> {
  const base = prometheusUrl(env);
  try {
    const ready = await fetch(`${base}/-/ready`, { signal: AbortSignal.timeout(3000) });
    if (!ready.ok) throw new Error(`HTTP ${ready.status}`);
  } catch (error) {
    return [
      {
        name: 'Prometheus',
        ok: false,
        detail: `${base}: ${failureReason(error)}`,
        fix: 'claude-otel stack up (or set CLAUDE_OTEL_PROMETHEUS_URL)',
      },
    ];
  }
  const checks: Check[] = [{ name: 'Prometheus', ok: true, detail: `${base} is ready` }];
  const pending = pendingRunIds(env).length;
  const last = readLedger({ env }).runs.at(-1);
  if (!last) {
    checks.push({ name: 'last run in Prometheus', ok: true, detail: 'no runs in the ledger yet' });
    return checks;
  }
  if (!last.exported) {
    checks.push({
      name: 'last run in Prometheus',
      ok: false,
      detail: `run ${last.run_id} is not exported yet (${pending} unsent)`,
      fix: 'claude-otel sync',
    });
    return checks;
  }
  checks.push(await lastRunCheck(base, last, env));
  if (pending > 0)
    checks.push({
      name: 'unsent runs',
      ok: false,
      detail: `${pending} run(s) not exported`,
      fix: 'claude-otel sync',
    });
  return checks;
}

/** Problems the session hook (`setup --hooks`) logged: it can show them nowhere else. */
export function checkHookLog(env: NodeJS.ProcessEnv): Check {
  const problems = readHookProblems(env);
  if (problems.length === 0) return { name: 'session hook', ok: true, detail: 'no problems logged' };
  return {
    name: 'session hook',
    ok: false,
    detail: `${problems.length} problem(s) logged, the last: ${problems.at(-1)}`,
    fix: `read ${hookLogPath(env)}, fix the cause, run claude-otel import (records what was missed), then delete the log`,
  };
}

export async function runDoctor(env: NodeJS.ProcessEnv, cwd: string): Promise<Check[]> {
  // Bad settings are usage errors, raised before any probe starts.
  resolveExportConfig(env);
  prometheusUrl(env);
  const [otlp, prom, team] = await Promise.all([checkOtlp(env), checkPrometheus(env), checkTeamStack(env)]);
  return [
    checkClaude(env),
    checkTelemetryEnv(env, cwd),
    checkHookLog(env),
    otlp,
    ...prom,
    ...(team ? [team] : []),
  ];
}
