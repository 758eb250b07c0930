// End-to-end: the real Claude Code CLI against the scripted endpoint, through `claude-otel swarm`
// and `run`. Totals are checked against what the endpoint served and what Claude Code reported.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLedger } from '../../src/ledger/read.js';
import type { RunRecord } from '../../src/ledger/schema.js';
import { loadPriceTable } from '../../src/pricing/price-table.js';
import {
  CLI,
  makeSandbox,
  readAllFiles,
  runCli,
  type Sandbox,
  SECRET_API_KEY,
  startCli,
} from '../support/cli.js';
import { servedUsage } from '../support/expected-usage.js';
import { type ScriptedApi, startScriptedApi } from '../support/scripted-api/server.js';
import { waitFor } from '../support/wait-for.js';

let api: ScriptedApi;
const sandboxes: Sandbox[] = [];
const outputs: string[] = [];
const table = loadPriceTable({});

function sandbox(extra: NodeJS.ProcessEnv = {}): Sandbox {
  const s = makeSandbox(api.url, extra);
  sandboxes.push(s);
  return s;
}

async function cli(args: string[], s: Sandbox, timeoutMs?: number) {
  const r = await runCli(args, s, timeoutMs);
  outputs.push(r.stdout, r.stderr);
  return r;
}

function ledger(s: Sandbox): RunRecord[] {
  const { runs, warnings } = readLedger({ env: s.env, strict: true });
  expect(warnings).toEqual([]);
  return runs;
}

beforeAll(async () => {
  api = await startScriptedApi();
});

afterAll(async () => {
  // Nothing written anywhere may contain the API key.
  for (const s of sandboxes) {
    for (const { file, text } of readAllFiles(s.otelHome))
      expect(text.includes(SECRET_API_KEY), file).toBe(false);
  }
  for (const text of outputs) expect(text.includes(SECRET_API_KEY)).toBe(false);
  await api.close();
  for (const s of sandboxes) s.cleanup();
});

describe('swarm', () => {
  it('records multi-turn tool runs across two models exactly as served and as Claude Code priced them', async () => {
    const s = sandbox();
    const sonnet = await cli(
      [
        'swarm',
        'first [[scenario:tools turns=2 tag=mm1 cc1h=12]]',
        'second [[scenario:tools turns=3 tag=mm1 in=900 out=70]]',
        '--parallel',
        '2',
        '--json',
        '--',
        '--model',
        'claude-sonnet-4-5',
      ],
      s,
    );
    expect(sonnet.code, sonnet.stderr).toBe(0);
    const opus = await cli(
      [
        'swarm',
        'third [[scenario:tools turns=1 tag=mm1 cr=5000]]',
        '--json',
        '--',
        '--model',
        'claude-opus-4-6',
      ],
      s,
    );
    expect(opus.code, opus.stderr).toBe(0);

    const served = servedUsage(api.requests, 'mm1', table);
    expect(Object.keys(served).sort()).toEqual(['claude-opus-4-6', 'claude-sonnet-4-5']);
    expect(served['claude-sonnet-4-5']!.requests).toBe(3 + 4);

    const jsonRuns = [...JSON.parse(sonnet.stdout).runs, ...JSON.parse(opus.stdout).runs];
    const records = ledger(s);
    expect(records).toHaveLength(3);
    for (const model of Object.keys(served)) {
      const want = served[model]!;
      const sum = { prompt: 0, completion: 0, cache_read: 0, cache_creation: 0, total: 0, cost: 0 };
      for (const r of records) {
        const u = r.models[model];
        if (!u) continue;
        sum.prompt += u.prompt;
        sum.completion += u.completion;
        sum.cache_read += u.cache_read;
        sum.cache_creation += u.cache_creation;
        sum.total += u.total;
        sum.cost += u.cost_usd ?? Number.NaN;
        expect(u.cost_source).toBe('claude');
      }
      expect(sum).toMatchObject({
        prompt: want.prompt,
        completion: want.completion,
        cache_read: want.cache_read,
        cache_creation: want.cache_creation,
        total: want.total,
      });
      expect(sum.cost).toBeCloseTo(want.cost_usd, 12);
    }
    // --json agrees with the ledger run by run.
    for (const run of jsonRuns) {
      const record = records.find((r) => r.run_id === run.run_id)!;
      expect(record).toBeDefined();
      expect(run.cost_usd).toBe(record.cost_usd);
      for (const [model, u] of Object.entries(record.models)) expect(run.models[model].total).toBe(u.total);
      expect(record.num_turns).toBeGreaterThanOrEqual(2);
      expect(record.tool_calls.Glob?.count).toBeGreaterThanOrEqual(1);
      expect(record.session_id).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(new Set(records.map((r) => r.agent))).toEqual(new Set(['agent-1', 'agent-2']));
  });

  it('run re-renders --output-format json and records exactly the modelUsage Claude Code reported', async () => {
    const s = sandbox();
    const r = await cli(
      [
        'run',
        '--',
        '-p',
        'go [[scenario:tools turns=2 tag=pt1 cc1h=20]]',
        '--model',
        'claude-haiku-4-5',
        '--output-format',
        'json',
      ],
      s,
    );
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.type).toBe('result');
    const [record] = ledger(s);
    const mu = result.modelUsage['claude-haiku-4-5'];
    expect(record!.models['claude-haiku-4-5']).toMatchObject({
      prompt: mu.inputTokens,
      completion: mu.outputTokens,
      cache_read: mu.cacheReadInputTokens,
      cache_creation: mu.cacheCreationInputTokens,
      cache_creation_1h: mu.cacheCreationEphemeral1hInputTokens,
      cost_usd: mu.costUSD,
    });
    expect(record!.cost_usd).toBe(result.total_cost_usd);
    expect(record!.operation).toBe('run');
    expect(record!.session_id).toBe(result.session_id);
  });

  it('passes an API error through: output, exit code and an error record', async () => {
    const s = sandbox();
    const r = await cli(
      ['swarm', 'fail [[scenario:error status=400]]', '--', '--model', 'claude-sonnet-4-5'],
      s,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('API Error: 400');
    const [record] = ledger(s);
    expect(record).toMatchObject({ status: 'error', is_error: true, exit_code: 1, termination: 'completed' });
    // --json says why, in the run's `error` (it was nowhere: stderr empty, stdout only the status).
    const j = await cli(
      ['swarm', 'fail [[scenario:error status=400]]', '--json', '--', '--model', 'claude-sonnet-4-5'],
      sandbox(),
    );
    expect(j.code).toBe(1);
    const [run] = JSON.parse(j.stdout).runs;
    expect(run).toMatchObject({ status: 'error', exit_code: 1 });
    expect(run.error).toMatch(/^API Error: 400 /);
  });

  it('records a max-turns run as an error with its usage', async () => {
    const s = sandbox();
    const r = await cli(
      [
        'swarm',
        'loop [[scenario:maxturns tag=mt1]]',
        '--json',
        '--',
        '--model',
        'claude-sonnet-4-5',
        '--max-turns',
        '2',
      ],
      s,
    );
    const [record] = ledger(s);
    expect(JSON.parse(r.stdout).runs[0].error).toBe('error_max_turns');
    expect(record!.subtype).toBe('error_max_turns');
    expect(record!.status).toBe('error');
    expect(r.code).toBe(record!.exit_code);
    const served = servedUsage(api.requests, 'mt1', table)['claude-sonnet-4-5']!;
    expect(record!.models['claude-sonnet-4-5']!.total).toBe(served.total);
  });

  it('loses nothing with 20 concurrent runs from 4 processes sharing one ledger', async () => {
    const s = sandbox();
    const procs = [0, 1, 2, 3].map((p) =>
      cli(
        [
          'swarm',
          ...[0, 1, 2, 3, 4].map((i) => `c${p}-${i} [[scenario:hello tag=conc in=${100 + p * 10 + i}]]`),
          '--parallel',
          '5',
          '--quiet',
          '--',
          '--model',
          'claude-sonnet-4-5',
        ],
        s,
      ),
    );
    const results = await Promise.all(procs);
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const records = ledger(s);
    expect(records).toHaveLength(20);
    expect(new Set(records.map((r) => r.run_id)).size).toBe(20);
    const served = servedUsage(api.requests, 'conc', table)['claude-sonnet-4-5']!;
    expect(served.requests).toBe(20);
    expect(records.reduce((n, r) => n + r.models['claude-sonnet-4-5']!.total, 0)).toBe(served.total);
    const files = fs.readdirSync(path.join(s.otelHome, 'ledger', 'pending'));
    expect(files).toHaveLength(20); // nothing was exported (no collector), so all stay pending
  });
});

describe('stopping runs', () => {
  it('forwards SIGINT, records the partial usage and exits 130', async () => {
    const s = sandbox();
    const running = startCli(
      ['swarm', 'slow [[scenario:tools turns=4 delay=1500 tag=sig]]', '--', '--model', 'claude-sonnet-4-5'],
      s,
    );
    // Interrupt once the first turn was answered and the second request is in flight.
    await waitFor(() => api.requests.some((r) => r.params.tag === 'sig' && r.turn === 1), {
      what: 'the second request',
      timeoutMs: 30_000,
    });
    running.kill('SIGINT');
    const r = await running.done;
    outputs.push(r.stdout, r.stderr);
    expect(r.code).toBe(130);
    const [record] = ledger(s);
    // Claude Code may still print its result on SIGINT; either way the usage so far is kept.
    expect(record).toMatchObject({ termination: 'interrupted', status: 'error' });
    expect(record!.models['claude-sonnet-4-5']!.prompt).toBeGreaterThanOrEqual(120);
  });

  it('times out a hung endpoint with --timeout and exits 124', async () => {
    const s = sandbox();
    const r = await cli(
      ['swarm', 'hang [[scenario:hang]]', '--timeout', '3s', '--', '--model', 'claude-sonnet-4-5'],
      s,
    );
    expect(r.code).toBe(124);
    expect(r.ms).toBeLessThan(3000 + 5000 + 3000);
    expect(r.stderr).toContain('timed out after 3s');
    const [record] = ledger(s);
    expect(record).toMatchObject({ termination: 'timeout', exit_code: 124, status: 'error' });
  });

  it('run -p with --timeout says it timed out, like swarm, and exits 124', async () => {
    const s = sandbox();
    const r = await cli(
      ['run', '--timeout', '2s', '--', '-p', 'hang [[scenario:hang]]', '--model', 'claude-sonnet-4-5'],
      s,
    );
    expect(r.code).toBe(124);
    expect(r.stderr).toContain('claude-otel: claude timed out after 2s; its partial usage is recorded\n');
    const [record] = ledger(s);
    expect(record).toMatchObject({ termination: 'timeout', exit_code: 124, status: 'error' });
  });

  it('stops a swarm that passes its budget, with exact accounting and exit code 3', async () => {
    const s = sandbox();
    const r = await cli(
      [
        'swarm',
        'a [[scenario:tools turns=1 tag=bud]]',
        'b [[scenario:tools turns=1 tag=bud]]',
        'c [[scenario:tools turns=1 tag=bud]]',
        '--budget-usd',
        '0.001',
        '--json',
        '--',
        '--model',
        'claude-sonnet-4-5',
      ],
      s,
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/budget of \$0\.0010 exceeded/);
    const records = ledger(s);
    expect(records.length).toBeLessThan(3);
    const json = JSON.parse(r.stdout);
    expect(json.totals.cost_usd).toBeCloseTo(
      records.reduce((n, x) => n + x.cost_usd, 0),
      12,
    );
    expect(json.totals.cost_usd).toBeGreaterThan(0.001);
  });
});

describe('bad input', () => {
  it('reports a missing claude binary in one line with exit 127', async () => {
    const s = sandbox();
    const r = await cli(['swarm', 'x'], { ...s, env: { ...s.env, PATH: '/usr/bin:/bin' } });
    expect(r.code).toBe(127);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot find the claude binary/);
  });

  it('rejects a bad flag with exit 2 and no stack trace', async () => {
    const s = sandbox();
    const r = await cli(['swarm', 'x', '--parallel', 'many'], s);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("claude-otel: --parallel 'many' is not a positive whole number\n");
  });

  it('reports a broken price file in one line and never starts claude', async () => {
    // The price table is loaded by the lazily loaded bundle and the error printed by the start-up
    // bundle (each with its own copy of the error class): it must still be the one-line error.
    const s = sandbox();
    const prices = path.join(s.dir, 'prices.json');
    fs.writeFileSync(prices, '{ not json');
    const started = path.join(s.dir, 'claude-started');
    const fakeClaude = path.join(s.dir, 'claude');
    fs.writeFileSync(fakeClaude, `#!/bin/sh\ntouch '${started}'\n`, { mode: 0o755 });
    const r = await cli(['swarm', 'x', '--prices', prices, '--claude-bin', fakeClaude], s);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^claude-otel: price file .*prices\.json is not valid JSON: .*\(fix the file/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(fs.existsSync(started)).toBe(false);
  });

  it('finishes quietly when its reader closes stdout early', async () => {
    const s = sandbox();
    const child = spawn(process.execPath, [CLI, 'swarm', '--help'], {
      cwd: s.workdir,
      env: s.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    // Like `| head -1`: read once, then close the pipe.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('reports an unusable ledger location in one line', async () => {
    const s = sandbox();
    const file = path.join(s.dir, 'not-a-dir');
    fs.writeFileSync(file, '');
    const r = await cli(['swarm', 'x [[scenario:hello]]', '--', '--model', 'claude-sonnet-4-5'], {
      ...s,
      env: { ...s.env, CLAUDE_OTEL_HOME: file },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^claude-otel: cannot write the ledger at .*not-a-dir/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
