// Traces for the team with nothing simulated: the built `claude-otel swarm` runs the real Claude
// Code (scripted endpoint, tool calls) and exports spans to the real collector, whose traces
// pipeline sends them to a real Jaeger v2 (jaeger/jaeger.yaml). The run's trace is found through
// Jaeger's query API, with its parent/child links and token attributes equal to the ledger.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLedger } from '../../src/ledger/read.js';
import type { RunRecord } from '../../src/ledger/schema.js';
import { isProcessAlive } from '../../src/process-alive.js';
import { startJaeger as startNativeJaeger } from '../../src/stack/jaeger.js';
import { makeSandbox, runCli, type Sandbox, SECRET_API_KEY } from '../support/cli.js';
import { startCollector, type TestCollector } from '../support/collector.js';
import { finishPending } from '../support/finish-pending.js';
import { freePorts } from '../support/free-port.js';
import {
  type JaegerSpan,
  type JaegerTrace,
  parentOf,
  startJaeger,
  type TestJaeger,
  tag,
} from '../support/jaeger.js';
import { type ScriptedApi, startScriptedApi } from '../support/scripted-api/server.js';
import { fetchText, waitFor } from '../support/wait-for.js';

let api: ScriptedApi | undefined;
let jaeger: TestJaeger | undefined;
let collector: TestCollector | undefined;
let sandbox: Sandbox | undefined;

beforeAll(async () => {
  api = await startScriptedApi();
  jaeger = await startJaeger();
  collector = await startCollector({ tracesOtlpEndpoint: jaeger.otlpEndpoint });
  sandbox = makeSandbox(api.url, { OTEL_EXPORTER_OTLP_ENDPOINT: collector.grpcEndpoint });
}, 90_000);

afterAll(async () => {
  await api?.close();
  await collector?.close();
  await jaeger?.close();
  sandbox?.cleanup();
});

const sum = (r: RunRecord, k: 'prompt' | 'completion' | 'cache_read' | 'cache_creation') =>
  Object.values(r.models).reduce((s, u) => s + u[k], 0);

/** Spans the wrapper sent (Claude Code's own, if any, come from another service). */
function wrapperSpans(t: JaegerTrace): JaegerSpan[] {
  return t.spans.filter((s) => t.processes[s.processID]?.serviceName === 'claude-otel');
}

describe('claude-otel swarm → collector → Jaeger', () => {
  it('a two-agent swarm with tool calls is one trace: run → sessions → agent_query → turns and tools, tokens equal the ledger', async () => {
    const prompts = [1, 2].map(
      (n) =>
        `traced task ${n} [[scenario:tools turns=2 in=${110 + n} out=${25 + n} cr=${310 + n} answer=traced-${n}]]`,
    );
    const r = await runCli(['swarm', ...prompts, '--parallel', '2'], sandbox!, 120_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('=== agent-1 ===\ntraced-1\n=== agent-2 ===\ntraced-2\n');

    const { runs } = readLedger({ env: sandbox!.env, strict: true });
    expect(runs).toHaveLength(2);
    const traceId = runs[0]?.trace_id ?? '';
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(runs[1]?.trace_id).toBe(traceId);
    // root + a session per agent + agent_query per run + a span per turn and per tool call.
    const expected =
      1 + 2 + runs.length + runs.reduce((s, run) => s + run.turns.length + run.tool_spans.length, 0);

    // The swarm's end-of-run export sends the spans; if its bound ran out, sync does (as documented).
    await finishPending(sandbox!, 'traces-jaeger swarm');
    const j = jaeger!;
    const trace = await waitFor(
      async () => {
        const t = await j.trace(traceId);
        return t && wrapperSpans(t).length >= expected ? t : undefined;
      },
      { what: `trace ${traceId} in Jaeger with ${expected} spans`, timeoutMs: 30_000, intervalMs: 250 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\ncollector: ${collector?.log()}\njaeger: ${j.log()}`);
    });
    const spans = wrapperSpans(trace);
    expect(spans).toHaveLength(expected);
    expect(new Set(spans.map((s) => s.traceID))).toEqual(new Set([traceId]));
    const byId = new Map(spans.map((s) => [s.spanID, s]));

    const roots = spans.filter((s) => parentOf(s) === '');
    expect(roots.map((s) => s.operationName)).toEqual(['swarm']);
    const root = roots[0] as JaegerSpan;
    expect(tag(root, 'claude_otel.invocation_id')).toBe(runs[0]?.invocation_id);

    for (const run of runs) {
      const query = spans.find(
        (s) => s.operationName === 'agent_query' && tag(s, 'claude_otel.run_id') === run.run_id,
      );
      expect(query, `agent_query of ${run.agent}`).toBeDefined();
      const q = query as JaegerSpan;
      if (run.span_id) expect(q.spanID).toBe(run.span_id);
      const session = byId.get(parentOf(q));
      expect(session?.operationName).toBe(`session_${run.agent.replace(/^\D*/, '')}`);
      expect(parentOf(session as JaegerSpan)).toBe(root.spanID);
      // Times are the ledger's (Jaeger keeps microseconds).
      expect(q.startTime).toBe(Date.parse(run.started_at) * 1000);
      expect(q.startTime + q.duration).toBe(Date.parse(run.ended_at) * 1000);

      // Token attributes equal the ledger's record of the run.
      const total =
        sum(run, 'prompt') + sum(run, 'completion') + sum(run, 'cache_read') + sum(run, 'cache_creation');
      expect(total).toBeGreaterThan(0);
      expect(tag(q, 'input_tokens')).toBe(sum(run, 'prompt'));
      expect(tag(q, 'output_tokens')).toBe(sum(run, 'completion'));
      expect(tag(q, 'cache_read_input_tokens')).toBe(sum(run, 'cache_read'));
      expect(tag(q, 'cache_creation_input_tokens')).toBe(sum(run, 'cache_creation'));
      expect(tag(q, 'total_tokens')).toBe(total);
      expect(tag(q, 'cost_usd')).toBe(run.cost_usd);
      expect(tag(q, 'gen_ai.conversation.id')).toBe(run.session_id);

      // Children of the run: one span per turn and per tool call, as the ledger lists them.
      const children = spans.filter((s) => parentOf(s) === q.spanID);
      const turns = children.filter((s) => s.operationName.startsWith('chat '));
      const tools = children.filter((s) => s.operationName.startsWith('execute_tool '));
      expect(turns.length + tools.length).toBe(children.length);
      expect(run.tool_spans.length).toBe(2);
      expect(turns.map((s) => tag(s, 'gen_ai.response.id')).sort()).toEqual(
        run.turns.map((t) => t.message_id).sort(),
      );
      for (const t of run.turns) {
        const span = turns.find((s) => tag(s, 'gen_ai.response.id') === t.message_id) as JaegerSpan;
        expect(tag(span, 'gen_ai.usage.output_tokens')).toBe(t.output);
        expect(tag(span, 'gen_ai.usage.input_tokens')).toBe(t.input + t.cache_read + t.cache_creation);
        expect(tag(span, 'gen_ai.usage.cache_read.input_tokens')).toBe(t.cache_read);
      }
      // The turns add up to the run's totals.
      const turnOut = turns.reduce((s, t) => s + Number(tag(t, 'gen_ai.usage.output_tokens')), 0);
      expect(turnOut).toBe(sum(run, 'completion'));
      expect(tools.map((s) => tag(s, 'gen_ai.tool.call.id')).sort()).toEqual(
        run.tool_spans.map((t) => t.id).sort(),
      );
      expect(tools.every((s) => tag(s, 'gen_ai.tool.name') === 'Glob')).toBe(true);
      // Each tool call names the turn that asked for it, and that turn is in the trace.
      for (const tool of tools) expect(byId.has(String(tag(tool, 'claude_otel.turn_span_id')))).toBe(true);
    }

    // A lead without the trace id finds it by service, as in the Jaeger UI.
    expect(await j.services()).toContain('claude-otel');
    const found = await j.search('claude-otel');
    expect(found.map((t) => t.traceID)).toContain(traceId);

    // Neither the API key nor the prompts reach the trace store (prompts are not opted in).
    const text = JSON.stringify(trace);
    expect(text.includes(SECRET_API_KEY)).toBe(false);
    expect(text.includes('traced task 1')).toBe(false);
    console.log(`[traces-jaeger] trace ${traceId}: ${spans.length} spans; run ${r.ms} ms`);
  }, 150_000);

  it("startJaeger (the native team stack's) runs it in the background on the ports given, healthy and queryable", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claude-otel-native-jaeger-'));
    const [otlpGrpc, otlpHttp, queryHttp, queryGrpc, health] = (await freePorts(5)) as number[];
    let pid: number | undefined;
    try {
      const started = await startNativeJaeger({
        dir,
        ports: { otlpGrpc, otlpHttp, queryHttp, queryGrpc, health },
        build: false,
      });
      pid = started.pid;
      expect(started.otlpEndpoint).toBe(`127.0.0.1:${otlpGrpc}`);
      expect(fs.readFileSync(path.join(dir, 'jaeger.pid'), 'utf8').trim()).toBe(String(pid));
      const services = await fetchText(`${started.queryUrl}/api/services`);
      expect(services.status).toBe(200);
      expect(started.queryUrl).toBe(`http://127.0.0.1:${queryHttp}`);
    } finally {
      if (pid && isProcessAlive(pid)) {
        process.kill(pid, 'SIGTERM');
        await waitFor(() => !isProcessAlive(pid), { what: 'jaeger to stop', timeoutMs: 15_000 }).catch(() =>
          process.kill(pid as number, 'SIGKILL'),
        );
      }
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
