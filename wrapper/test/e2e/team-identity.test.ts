// Team mode through the real pipeline: the collector (our build, with the cardinality guard
// overlay) keeps team/user/project on the wrapper's openai_* series and on Claude Code's own
// claude_code_* series, folds users beyond the limit into `other` with totals exact, and never
// lets a git email through when the user is pseudonymised. Off by default: no identity anywhere.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { pseudonymizeUser } from '../../src/config/identity.js';
import { startExporter } from '../../src/export/exporter.js';
import { readLedger } from '../../src/ledger/read.js';
import type { RunRecord } from '../../src/ledger/schema.js';
import { cardinalityGuardConfigPath, collectorConfigPath } from '../../src/stack/collector-env.js';
import { makeSandbox, readAllFiles, runClaude, runCli, type Sandbox } from '../support/cli.js';
import { startCollector, type TestCollector, validateCollectorConfig } from '../support/collector.js';
import { syntheticRun } from '../support/collector-fixtures.js';
import { finishPending } from '../support/finish-pending.js';
import { startPrometheus, type TestPrometheus } from '../support/prometheus.js';
import { type ScriptedApi, startScriptedApi } from '../support/scripted-api/server.js';
import { settle } from '../support/wait-for.js';

const MAX_USERS = 20;
const EMAIL = 'ada.lovelace@example.com';

let collector: TestCollector;
let prom: TestPrometheus;
let api: ScriptedApi;
const sandboxes: Sandbox[] = [];

beforeAll(async () => {
  collector = await startCollector();
  prom = await startPrometheus(collector.metricsTarget, 500);
  api = await startScriptedApi();
});
afterAll(async () => {
  await api?.close();
  await prom?.stop();
  await collector?.close();
  for (const s of sandboxes) s.cleanup();
});

type Pipelines = { service: { pipelines: { metrics: { processors: string[] } } } };

describe('the cardinality guard overlay', () => {
  it('is the base metrics pipeline with the guard after hygiene, before deltatocumulative, and validates', () => {
    const base = parse(fs.readFileSync(collectorConfigPath(), 'utf8')) as Pipelines;
    const overlay = parse(fs.readFileSync(cardinalityGuardConfigPath(), 'utf8')) as Pipelines;
    const expected = [...base.service.pipelines.metrics.processors];
    expected.splice(expected.indexOf('transform/hygiene') + 1, 0, 'cardinalityguard');
    expect(overlay.service.pipelines.metrics.processors).toEqual(expected);
    const configs = [collectorConfigPath(), cardinalityGuardConfigPath()];
    const ok = validateCollectorConfig(configs);
    expect(ok.status, ok.stderr).toBe(0);
    const bad = validateCollectorConfig(configs, { CLAUDE_OTEL_MAX_USERS: '0' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('"user" is 0');
  });
});

describe('team mode through the collector', () => {
  it('2000 distinct users: at most MAX_USERS + 1 user series, totals by team and overall exact', async () => {
    // Its own collector: the limit is used up here, and the other tests need their users admitted.
    const collector = await startCollector({ env: { CLAUDE_OTEL_MAX_USERS: String(MAX_USERS) } });
    const prom = await startPrometheus(collector.metricsTarget, 500);
    try {
      await guardedTotals(collector, prom);
    } finally {
      await prom.stop();
      await collector.close();
    }
  });

  async function guardedTotals(collector: TestCollector, prom: TestPrometheus): Promise<void> {
    const teams = ['red', 'green', 'blue'];
    const records: RunRecord[] = [];
    for (let i = 0; i < 2000; i++) {
      const run = syntheticRun({
        operation: 'guard',
        models: {
          'claude-sonnet-4-5': {
            prompt: 1 + (i % 7),
            completion: 10 + i,
            cache_read: 0,
            cache_creation: 3,
            cost_usd: 0,
          },
        },
      });
      run.identity = { team: teams[i % 3]!, user: `user-${i}`, project: 'acme/rocket' };
      records.push(run);
    }
    // Ten senders at once, like ten machines.
    const exporter = startExporter({ endpoint: collector.grpcEndpoint, timeoutMs: 20_000 });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, k) => exporter.exportRuns(records.slice(k * 200, k * 200 + 200))),
    );
    expect(results.flatMap((r) => r.sent)).toHaveLength(2000);
    const want: Record<string, number> = {};
    for (const r of records) {
      const t = r.identity!.team;
      want[t] = (want[t] ?? 0) + (r.models['claude-sonnet-4-5']?.total ?? 0);
    }
    const byTeam = async () =>
      Object.fromEntries(
        (await prom.query('sum by (team) (openai_tokens_total{operation="guard",token_type="total"})')).map(
          (s) => [s.labels.team, s.value],
        ),
      );
    await settle(
      async () => {
        const got = await byTeam();
        return teams.every((t) => got[t] === want[t]);
      },
      { timeoutMs: 60_000 },
    );
    const got = await byTeam();
    expect(Object.keys(got).sort()).toEqual(['blue', 'green', 'red']);
    for (const t of teams) expect(got[t]).toBe(want[t]);
    const users = await prom.query(
      'count by (user) (openai_tokens_total{operation="guard",token_type="total"})',
    );
    const names = users.map((s) => s.labels.user);
    expect(names.length).toBeLessThanOrEqual(MAX_USERS + 1);
    expect(names).toContain('other');
    // Every series carries the project; the folded users' tokens are all under `other`.
    expect(await prom.scalar('count(openai_tokens_total{operation="guard",project!="acme/rocket"})')).toBe(0);
    const kept = names.filter((n) => n !== 'other');
    const keptTotal = records
      .filter((r) => kept.includes(r.identity!.user!))
      .reduce((s, r) => s + (r.models['claude-sonnet-4-5']?.total ?? 0), 0);
    const all = Object.values(want).reduce((a, b) => a + b, 0);
    expect(
      await prom.scalar('sum(openai_tokens_total{operation="guard",token_type="total",user="other"})'),
    ).toBe(all - keptTotal);
    expect(collector.log()).toContain('more distinct values than the limit');
  }

  it('a real swarm in team mode: the same identity on the ledger, openai_* and claude_code_* series; no email anywhere', async () => {
    const s = makeSandbox(api.url, {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.grpcEndpoint,
      CLAUDE_OTEL_TEAM: 'platform',
      CLAUDE_OTEL_USER_PSEUDONYMIZE: '1',
      CLAUDE_OTEL_USER_SALT: 'test-salt',
      // The claude_code_* series below come only from Claude Code's own exit flush, which gets half
      // the export bound and nothing resends: a long bound (10 s for the flush) so load cannot cut
      // it short. The bound itself is tested elsewhere (export-bounds, process-faults, unit tests).
      CLAUDE_OTEL_EXPORT_TIMEOUT_MS: '20000',
    });
    sandboxes.push(s);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: s.workdir, env: s.env });
    git('init', '-q');
    git('config', 'user.email', EMAIL);
    git('remote', 'add', 'origin', 'https://token@github.com/acme/rocket.git');
    const r = await runCli(
      ['swarm', 'hi [[scenario:tools turns=2 in=100 out=50]]', '--operation', 'team'],
      s,
    );
    expect(r.code, r.stderr).toBe(0);
    const user = pseudonymizeUser(EMAIL, 'test-salt');
    const { runs } = readLedger({ env: s.env, strict: true });
    expect(runs).toHaveLength(1);
    expect(runs[0]?.identity).toEqual({ team: 'platform', user, project: 'acme/rocket' });

    const identity = `team="platform",user="${user}",project="acme/rocket"`;
    const total = runs[0]!.models;
    const want = Object.values(total).reduce((a, u) => a + u.total, 0);
    // The openai_* series come from the run's end-of-run export; if its bound ran out, sync sends it.
    await finishPending(s, 'team-identity swarm');
    await settle(
      async () =>
        (await prom.scalar(`sum(openai_tokens_total{operation="team",token_type="total",${identity}})`)) ===
          want && (await prom.query(`claude_code_token_usage_tokens_total{${identity}}`)).length > 0,
      { timeoutMs: 30_000 },
    );
    expect(
      await prom.scalar(`sum(openai_tokens_total{operation="team",token_type="total",${identity}})`),
    ).toBe(want);
    const claudeSeries = await prom.query(`{__name__=~"claude_code_.+",${identity}}`);
    expect(claudeSeries.length).toBeGreaterThan(0);
    // Claude Code's own token counts for the run, all under the run's identity.
    const claudeInput = await prom.scalar(
      `sum(claude_code_token_usage_tokens_total{type="input",${identity}})`,
    );
    expect(claudeInput).toBe(Object.values(total).reduce((a, u) => a + u.prompt, 0));

    // The email never reaches Prometheus, the ledger, the collector's traces and logs, or output.
    const everything = await prom.query('{__name__=~"(claude_code|openai)_.+"}');
    const text = JSON.stringify(everything);
    expect(text).not.toContain('ada.lovelace');
    expect(text).not.toContain('user_email');
    for (const { file, text: t } of readAllFiles(s.otelHome))
      expect(t.includes('ada.lovelace'), file).toBe(false);
    for (const file of [collector.tracesFile, collector.logsFile]) {
      const t = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
      expect(t.includes('ada.lovelace'), file).toBe(false);
    }
    expect(`${r.stdout}${r.stderr}`).not.toContain('ada.lovelace');
  });

  it('setup writes the identity into Claude Code settings: a plain claude session carries it', async () => {
    const s = makeSandbox(api.url, {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.grpcEndpoint,
      CLAUDE_OTEL_TEAM: 'data',
      CLAUDE_OTEL_USER_PSEUDONYMIZE: '1',
    });
    sandboxes.push(s);
    fs.writeFileSync(path.join(s.home, '.gitconfig'), `[user]\n\temail = ${EMAIL}\n`);
    const setup = await runCli(['setup', '--yes'], s);
    expect(setup.code, setup.stderr).toBe(0);
    const settingsText = fs.readFileSync(path.join(s.home, '.claude', 'settings.json'), 'utf8');
    expect(settingsText).not.toContain('ada.lovelace');
    const user = pseudonymizeUser(EMAIL, '');
    const settings = JSON.parse(settingsText) as { env: Record<string, string> };
    // User settings cover every repository: no project unless configured.
    expect(settings.env.OTEL_RESOURCE_ATTRIBUTES).toBe(`team=data,user=${user}`);
    // A plain session, with nothing but the settings (telemetry env comes from them).
    const plainEnv = { ...s.env, CLAUDE_OTEL_TEAM: '', CLAUDE_OTEL_USER_PSEUDONYMIZE: '' };
    // Asynchronously: the scripted API answers from this process.
    const run = await runClaude(
      ['-p', 'hi [[scenario:tools turns=1 in=70 out=9]]', '--output-format', 'json'],
      {
        workdir: s.workdir,
        env: plainEnv,
      },
    );
    expect(run.code, run.stdout).toBe(0);
    const input = (JSON.parse(run.stdout) as { modelUsage: Record<string, { inputTokens: number }> })
      .modelUsage;
    const want = Object.values(input).reduce((a, u) => a + u.inputTokens, 0);
    const selector = `type="input",team="data",user="${user}"`;
    await settle(
      async () => (await prom.scalar(`sum(claude_code_token_usage_tokens_total{${selector}})`)) === want,
      {
        timeoutMs: 30_000,
      },
    );
    expect(await prom.scalar(`sum(claude_code_token_usage_tokens_total{${selector}})`)).toBe(want);
  });

  it("identity given only as resource attributes is copied onto the points; a point's own value wins; user.email is dropped", async () => {
    const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
    const now = `${Date.now()}000000`;
    const point = (value: string, attributes: unknown[]) => ({
      asInt: value,
      startTimeUnixNano: now,
      timeUnixNano: now,
      attributes,
    });
    const body = {
      resourceMetrics: [
        {
          resource: {
            attributes: [
              str('service.name', 'probe'),
              str('team', 'res-team'),
              str('user', 'res-user'),
              str('project', 'res-project'),
              str('user.email', EMAIL),
            ],
          },
          scopeMetrics: [
            {
              scope: { name: 'probe' },
              metrics: [
                {
                  name: 'identity_probe',
                  sum: {
                    aggregationTemporality: 1,
                    isMonotonic: true,
                    dataPoints: [
                      point('7', [str('user.email', EMAIL)]),
                      point('5', [str('team', 'dp-team')]),
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    };
    const response = await fetch(`${collector.httpEndpoint}/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    await settle(async () => (await prom.query('identity_probe_total')).length === 2, { timeoutMs: 30_000 });
    const series = await prom.query('identity_probe_total');
    const byTeam = Object.fromEntries(series.map((x) => [x.labels.team, x]));
    expect(byTeam['res-team']?.value).toBe(7);
    expect(byTeam['res-team']?.labels).toMatchObject({ user: 'res-user', project: 'res-project' });
    expect(byTeam['dp-team']?.value).toBe(5);
    expect(byTeam['dp-team']?.labels).toMatchObject({ user: 'res-user', project: 'res-project' });
    expect(JSON.stringify(series)).not.toContain('ada.lovelace');
  });

  it('off by default: no identity in the record, no team/user/project labels on its series', async () => {
    const s = makeSandbox(api.url, { OTEL_EXPORTER_OTLP_ENDPOINT: collector.grpcEndpoint });
    sandboxes.push(s);
    const r = await runCli(['swarm', 'hi [[scenario:tools turns=1]]', '--operation', 'solo'], s);
    expect(r.code, r.stderr).toBe(0);
    const file = fs.readdirSync(path.join(s.otelHome, 'ledger')).find((f) => f.endsWith('.jsonl'));
    const line = fs.readFileSync(path.join(s.otelHome, 'ledger', file!), 'utf8');
    expect(line).not.toContain('"identity"');
    // A one-turn run may end before any live send: its series come from the end-of-run export, or sync.
    await finishPending(s, 'team-identity solo');
    await settle(async () => (await prom.query('openai_tokens_total{operation="solo"}')).length > 0, {
      timeoutMs: 30_000,
    });
    const series = await prom.query('openai_tokens_total{operation="solo"}');
    expect(series.length).toBeGreaterThan(0);
    for (const { labels } of series) {
      expect(labels).toMatchObject({ operation: 'solo', agent: 'agent-1' });
      for (const key of ['team', 'user', 'project']) expect(labels[key]).toBeUndefined();
    }
  });

  it('stack up refuses, in one line, a cached collector built before the guard', async () => {
    const s = makeSandbox(api.url);
    sandboxes.push(s);
    // Stands in for an older build: it answers `components` without the guard.
    const old = path.join(s.dir, 'old-collector');
    fs.writeFileSync(
      old,
      '#!/bin/sh\n[ "$1" = components ] && echo "processors:\n    - name: batch" && exit 0\nexit 1\n',
    );
    fs.chmodSync(old, 0o755);
    const r = await runCli(['stack', 'up', '--no-build'], {
      ...s,
      env: { ...s.env, CLAUDE_OTEL_COLLECTOR_BIN: old },
    });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('was built without the cardinality guard');
    expect(r.stderr).toContain('setup-tools.sh');
  });

  it('a bad configured value stops before Claude Code starts, in one line with exit 2', async () => {
    const s = makeSandbox(api.url, { CLAUDE_OTEL_TEAM: 'a'.repeat(200) });
    sandboxes.push(s);
    const r = await runCli(['swarm', 'hi'], s);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('CLAUDE_OTEL_TEAM is 200 characters long');
    expect(readLedger({ env: s.env }).runs).toHaveLength(0);
  });
});
