// The checks behind `claude-otel doctor`: the claude binary, the telemetry settings, OTLP
// reachability, Prometheus, and whether the last run is visible there; each failure with its fix.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveExportConfig } from '../export/config.js';
import { primaryModel } from '../export/metric-points.js';
import { probeEndpoint } from '../export/probe.js';
import { pendingRunIds, readLedger } from '../ledger/read.js';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

export function prometheusUrl(env: NodeJS.ProcessEnv): string {
  return (env.CLAUDE_OTEL_PROMETHEUS_URL ?? 'http://localhost:9090').replace(/\/$/, '');
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
  const files = [
    path.join(env.HOME ?? os.homedir(), '.claude', 'settings.json'),
    path.join(cwd, '.claude', 'settings.json'),
    path.join(cwd, '.claude', 'settings.local.json'),
  ];
  const inSettings = files.some((f) => {
    try {
      const s = JSON.parse(fs.readFileSync(f, 'utf8')) as { env?: Record<string, string> };
      return s.env?.CLAUDE_CODE_ENABLE_TELEMETRY === '1';
    } catch {
      return false;
    }
  });
  const plain = inSettings || env.CLAUDE_CODE_ENABLE_TELEMETRY === '1';
  return {
    name: 'telemetry env',
    ok: true,
    detail: `wrapped runs export to ${config.endpoint}; plain claude sessions: ${plain ? 'telemetry on' : 'telemetry off'}`,
    ...(plain ? {} : { fix: 'claude-otel setup (so plain `claude` sessions export too)' }),
  };
}

async function checkOtlp(env: NodeJS.ProcessEnv): Promise<Check> {
  const { endpoint } = resolveExportConfig(env);
  const error = await probeEndpoint(endpoint, 2000);
  return error
    ? {
        name: 'OTLP collector',
        ok: false,
        detail: error,
        fix: 'claude-otel stack up (or set OTEL_EXPORTER_OTLP_ENDPOINT to your collector)',
      }
    : { name: 'OTLP collector', ok: true, detail: `${endpoint} accepts connections` };
}

async function query(base: string, expr: string): Promise<number | undefined> {
  const r = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(expr)}`, {
    signal: AbortSignal.timeout(3000),
  });
  const body = (await r.json()) as { data?: { result?: { value: [number, string] }[] } };
  const result = body.data?.result ?? [];
  return result.length === 0 ? undefined : result.reduce((s, x) => s + Number(x.value[1]), 0);
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
        detail: `${base}: ${(error as Error).message}`,
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
  const selector = `model="${primaryModel(last)}",operation="${last.operation}",status="${last.status}"`;
  const count = await query(base, `sum(openai_request_duration_ms_count{${selector}})`).catch(
    () => undefined,
  );
  checks.push(
    count && count > 0
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
        },
  );
  if (pending > 0)
    checks.push({
      name: 'unsent runs',
      ok: false,
      detail: `${pending} run(s) not exported`,
      fix: 'claude-otel sync',
    });
  return checks;
}

export async function runDoctor(env: NodeJS.ProcessEnv, cwd: string): Promise<Check[]> {
  const [otlp, prom] = await Promise.all([checkOtlp(env), checkPrometheus(env)]);
  return [checkClaude(env), checkTelemetryEnv(env, cwd), otlp, ...prom];
}
