// Plain `claude` sessions recorded by the hooks `setup --hooks` installs: the real Claude Code CLI
// against the scripted endpoint, in a temporary HOME. Each session lands in `report --json` with
// exactly the totals Claude Code reported (modelUsage, total_cost_usd), subagents included; a
// wrapped run with the hooks installed counts once; import afterwards adds nothing; a session
// resumed twice counts each message once; concurrent recorders of one session count it once.
// The hook's own time (what it adds to a session's end) is measured and printed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLedger } from '../../src/ledger/read.js';
import type { Report } from '../../src/report/build-report.js';
import { HOOK_TIMEOUT_S } from '../../src/stack/claude-settings.js';
import { CLI, makeSandbox, runClaude, runCli, type Sandbox } from '../support/cli.js';
import { type ScriptedApi, startScriptedApi } from '../support/scripted-api/server.js';
import { waitFor } from '../support/wait-for.js';

let api: ScriptedApi;
let s: Sandbox;

beforeAll(async () => {
  api = await startScriptedApi();
  // CLAUDE_OTEL_DEBUG=1: the hook logs what it did, so the test can wait for it.
  s = makeSandbox(api.url, { CLAUDE_OTEL_DEBUG: '1' });
  const setup = await runCli(['setup', '--hooks', '--scope', 'user', '--yes'], s);
  expect(setup.code, setup.stderr).toBe(0);
});
afterAll(async () => {
  await api?.close();
  s?.cleanup();
});

interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens: number;
  cacheCreationInputTokens: number;
  costUSD: number;
}
interface ClaudeResult {
  session_id: string;
  total_cost_usd: number;
  modelUsage: Record<string, ModelUsage>;
}

async function claudeJson(args: string[], sandbox = s): Promise<ClaudeResult> {
  const r = await runClaude(
    ['-p', ...args, '--model', 'claude-sonnet-4-5', '--output-format', 'json'],
    sandbox,
  );
  if (r.code !== 0) throw new Error(`claude exited ${r.code}: ${r.stderr.slice(-500)}`);
  return JSON.parse(r.stdout) as ClaudeResult;
}

/** The settings setup --hooks wrote, into another sandbox (without the first one's transcripts). */
function copySettings(to: Sandbox) {
  fs.mkdirSync(path.join(to.home, '.claude'), { recursive: true });
  fs.copyFileSync(
    path.join(s.home, '.claude', 'settings.json'),
    path.join(to.home, '.claude', 'settings.json'),
  );
}

const logLines = (sandbox = s) => {
  try {
    return fs.readFileSync(path.join(sandbox.otelHome, 'hook.log'), 'utf8').split('\n');
  } catch {
    return [];
  }
};

/** Waits until the hook logged `count` recordings (or wrapper hand-offs) of the session's end. */
function hookDone(sessionId: string, count = 1, sandbox = s) {
  return waitFor(
    () => logLines(sandbox).filter((l) => l.includes(`SessionEnd ${sessionId}:`)).length >= count,
    { timeoutMs: 30_000, what: `the hook's SessionEnd for ${sessionId}: ${logLines(sandbox).join(' | ')}` },
  );
}

async function report(sandbox = s): Promise<Report> {
  const r = await runCli(['report', '--json', '--breakdown', 'model', '--since', '2000-01-01'], sandbox);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

/** Claude Code's modelUsage summed over results, per model, as the ledger's token types. */
function expectedByModel(results: ClaudeResult[]) {
  const out: Record<
    string,
    { prompt: number; completion: number; cache_read: number; cache_creation: number; cost: number }
  > = {};
  for (const r of results)
    for (const [model, u] of Object.entries(r.modelUsage)) {
      const e = out[model] ?? { prompt: 0, completion: 0, cache_read: 0, cache_creation: 0, cost: 0 };
      out[model] = e;
      e.prompt += u.inputTokens;
      e.completion += u.outputTokens;
      e.cache_read += u.cacheReadInputTokens;
      e.cache_creation += u.cacheCreationInputTokens;
      e.cost += u.costUSD;
    }
  return out;
}

function expectReportEquals(rep: Report, results: ClaudeResult[]) {
  const expected = expectedByModel(results);
  const rows = rep.breakdowns.model ?? [];
  expect(rows.map((r) => r.key).sort()).toEqual(Object.keys(expected).sort());
  for (const row of rows) {
    const e = expected[row.key]!;
    expect(
      [row.tokens.prompt, row.tokens.completion, row.tokens.cache_read, row.tokens.cache_creation],
      row.key,
    ).toEqual([e.prompt, e.completion, e.cache_read, e.cache_creation]);
    expect(row.cost_usd, row.key).toBeCloseTo(e.cost, 9);
  }
  expect(rep.totals.cost_usd).toBeCloseTo(
    results.reduce((n, r) => n + r.total_cost_usd, 0),
    9,
  );
}

describe('claude-otel hook, installed by setup --hooks', () => {
  it('setup --hooks installs once and keeps the user hooks', async () => {
    const file = path.join(s.home, '.claude', 'settings.json');
    const settings = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      hooks: Record<string, { hooks: { command: string; timeout?: number }[] }[]>;
    };
    for (const event of ['SessionEnd', 'Stop']) {
      const commands = settings.hooks[event]!.flatMap((e) => e.hooks.map((h) => h.command));
      expect(commands).toEqual([`${CLI} hook`]);
      expect(settings.hooks[event]!.flatMap((e) => e.hooks.map((h) => h.timeout))).toEqual([HOOK_TIMEOUT_S]);
    }
    const again = await runCli(['setup', '--hooks', '--scope', 'user', '--yes'], s);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('already runs claude-otel hook');
    expect(fs.readFileSync(file, 'utf8')).toBe(`${JSON.stringify(settings, null, 2)}\n`);
  });

  it("Claude Code waits for a SessionEnd hook with setup's timeout; without one it kills it after 1.5 s", async () => {
    // Why setup --hooks writes a timeout: a hook slower than 1.5 s (one Node start on a loaded
    // machine can be) is killed at session end, and the session would go unrecorded.
    const finished: Record<string, boolean> = {};
    for (const [name, timeout] of [
      ['no timeout', undefined],
      ['timeout from setup', HOOK_TIMEOUT_S],
    ] as const) {
      const t = makeSandbox(api.url);
      try {
        const started = path.join(t.dir, 'hook-started');
        const done = path.join(t.dir, 'hook-done');
        fs.mkdirSync(path.join(t.home, '.claude'), { recursive: true });
        const hook = { type: 'command', command: `touch '${started}'; sleep 2.5; touch '${done}'`, timeout };
        fs.writeFileSync(
          path.join(t.home, '.claude', 'settings.json'),
          JSON.stringify({ hooks: { SessionEnd: [{ hooks: [hook] }] } }),
        );
        await claudeJson(['hello [[scenario:basic tag=slow-hook]]'], t);
        expect(fs.existsSync(started), `${name}: the hook ran`).toBe(true);
        // A hook left running would be done 2.5 s after it started: wait past that.
        const startedAt = fs.statSync(started).mtimeMs;
        await waitFor(() => Date.now() > startedAt + 4000, {
          timeoutMs: 10_000,
          what: 'the hook to be done',
        });
        finished[name] = fs.existsSync(done);
      } finally {
        t.cleanup();
      }
    }
    expect(finished).toEqual({ 'no timeout': false, 'timeout from setup': true });
  });

  it('records plain claude -p sessions, with and without a subagent, with Claude Code’s totals', async () => {
    const plain = await claudeJson(['hello [[scenario:tools turns=2 tag=h1 in=700 out=51 cr=300]]']);
    const sub = await claudeJson([
      'delegate [[scenario:agent tag=h2 in=800 out=40 sub_turns=2 sub_model=haiku sub_in=300 sub_out=45]]',
    ]);
    await hookDone(plain.session_id);
    await hookDone(sub.session_id);
    const rep = await report();
    expect(Object.keys(sub.modelUsage).sort()).toEqual(['claude-haiku-5-5', 'claude-sonnet-4-5']);
    expectReportEquals(rep, [plain, sub]);
    const runs = readLedger({ env: s.env, strict: true }).runs;
    expect(new Set(runs.map((r) => r.operation))).toEqual(new Set(['hook']));

    // import afterwards adds nothing.
    const imported = await runCli(['import', '--json'], s);
    expect(imported.code, imported.stderr).toBe(0);
    expect((JSON.parse(imported.stdout) as { records: number }).records).toBe(0);
    expectReportEquals(await report(), [plain, sub]);
  });

  it('leaves a session wrapped by swarm to the wrapper: counted once', async () => {
    const w = makeSandbox(api.url, { CLAUDE_OTEL_DEBUG: '1' });
    try {
      copySettings(w);
      const r = await runCli(
        [
          'swarm',
          'go [[scenario:tools turns=1 tag=h3 in=500 out=33]]',
          '--json',
          '--',
          '--model',
          'claude-sonnet-4-5',
        ],
        w,
      );
      expect(r.code, r.stderr).toBe(0);
      const [run] = readLedger({ env: w.env, strict: true }).runs;
      expect(run?.operation).toBe('swarm');
      await hookDone(run!.session_id!, 1, w);
      expect(logLines(w).join('\n')).toContain(`SessionEnd ${run!.session_id}: left to the wrapper`);
      const runs = readLedger({ env: w.env, strict: true }).runs;
      expect(runs.map((x) => x.operation)).toEqual(['swarm']);
      const imported = await runCli(['import', '--json'], w);
      expect((JSON.parse(imported.stdout) as { records: number }).records).toBe(0);
    } finally {
      w.cleanup();
    }
  });

  it('counts each message of a session resumed twice once', async () => {
    const r = makeSandbox(api.url, { CLAUDE_OTEL_DEBUG: '1' });
    try {
      copySettings(r);
      const first = await claudeJson(['start [[scenario:tools turns=1 tag=h4 in=400 out=20]]'], r);
      await hookDone(first.session_id, 1, r);
      const second = await claudeJson(
        ['more [[scenario:tools turns=1 tag=h5 in=410 out=21]]', '--resume', first.session_id],
        r,
      );
      await hookDone(second.session_id, second.session_id === first.session_id ? 2 : 1, r);
      const third = await claudeJson(
        ['again [[scenario:tools turns=1 tag=h6 in=420 out=22]]', '--resume', first.session_id],
        r,
      );
      const ends = [first, second, third].filter((x) => x.session_id === third.session_id).length;
      await hookDone(third.session_id, ends, r);
      // `-p --resume` keeps the session id, and its modelUsage is the session's running total.
      expect(new Set([first, second, third].map((x) => x.session_id)).size).toBe(1);
      expect(third.modelUsage['claude-sonnet-4-5']!.inputTokens).toBeGreaterThan(
        second.modelUsage['claude-sonnet-4-5']!.inputTokens,
      );
      expectReportEquals(await report(r), [third]);
      const ids = readLedger({ env: r.env, strict: true }).runs.flatMap((x) => x.message_ids);
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      r.cleanup();
    }
  });

  it('two recorders of one session at once count it once', async () => {
    const c = makeSandbox(api.url, { CLAUDE_OTEL_DEBUG: '1' });
    try {
      copySettings(c);
      const res = await claudeJson(['go [[scenario:tools turns=2 tag=h7 in=600 out=30]]'], c);
      await hookDone(res.session_id, 1, c);
      // A fresh ledger, and four recorders of the same session's end started together.
      const fresh = { ...c, env: { ...c.env, CLAUDE_OTEL_HOME: path.join(c.dir, 'fresh') } };
      const transcript = path.join(
        c.home,
        '.claude',
        'projects',
        c.workdir.replace(/[^a-zA-Z0-9]/g, '-'),
        `${res.session_id}.jsonl`,
      );
      expect(fs.existsSync(transcript)).toBe(true);
      const args = [
        'hook',
        '--record',
        '--event',
        'SessionEnd',
        '--session',
        res.session_id,
        '--transcript',
        transcript,
      ];
      const all = await Promise.all([0, 1, 2, 3].map(() => runCli(args, fresh)));
      for (const x of all) expect([x.code, x.stdout, x.stderr]).toEqual([0, '', '']);
      expectReportEquals(await report(fresh), [res]);
    } finally {
      c.cleanup();
    }
  });

  it('returns, prints nothing and exits 0, even on bad input (latency printed; its target is in npm run bench)', async () => {
    const l = makeSandbox(api.url);
    try {
      const sessionId = '00000000-0000-4000-8000-000000000000';
      const payload = JSON.stringify({
        session_id: sessionId,
        transcript_path: path.join(l.dir, 'none.jsonl'),
        cwd: l.workdir,
        hook_event_name: 'SessionEnd',
        reason: 'other',
      });
      const time = (cmd: string, args: string[], input: string) => {
        const t = process.hrtime.bigint();
        const r = spawnSync(cmd, args, { input, env: l.env, encoding: 'utf8' });
        return { ms: Number(process.hrtime.bigint() - t) / 1e6, r };
      };
      const hook: number[] = [];
      const base: number[] = [];
      const rounds = 9;
      for (let i = 0; i < rounds; i++) {
        const h = time(process.execPath, [CLI, 'hook'], payload);
        expect([h.r.status, h.r.stdout, h.r.stderr]).toEqual([0, '', '']);
        hook.push(h.ms);
        base.push(time(process.execPath, ['-e', '0'], '').ms);
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      console.log(
        `claude-otel hook: median ${median(hook).toFixed(1)} ms per call, node -e 0: median ${median(base).toFixed(1)} ms`,
      );
      // Printed for the record only: the latency target is met in `npm run bench -- hook`
      // (interleaved pairs against node -e 0), not here, where a loaded CI machine decides it.
      for (const bad of ['not json', '{}', '[1]']) {
        const h = time(process.execPath, [CLI, 'hook'], bad);
        expect([h.r.status, h.r.stdout, h.r.stderr]).toEqual([0, '', '']);
      }
      // Every detached recorder logged that the session has no transcript (and is done).
      await waitFor(() => logLines(l).filter((x) => x.includes('no transcript found')).length === rounds, {
        what: `${rounds} recorders done: ${logLines(l).join(' | ')}`,
      });
      expect(logLines(l).join('\n')).toContain('hook input is not JSON');
      const doctor = await runCli(['doctor'], {
        ...l,
        env: { ...l.env, CLAUDE_OTEL_PROMETHEUS_URL: 'http://127.0.0.1:9' },
      });
      expect(doctor.stdout + doctor.stderr).toMatch(/session hook.*problem\(s\) logged/);
    } finally {
      l.cleanup();
    }
  });
});
