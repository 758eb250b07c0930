// A valid run record for ledger tests, varied by index and start time.
import type { RunRecordInput } from '../../../src/ledger/schema.js';

export function sampleRecord(id: string, startedAt: string, i = 0): RunRecordInput {
  const start = Date.parse(startedAt);
  return {
    v: 1,
    kind: 'run',
    run_id: id,
    invocation_id: `inv-${id}`,
    session_id: `sess-${id}`,
    operation: 'swarm',
    agent: `agent-${(i % 3) + 1}`,
    started_at: startedAt,
    ended_at: new Date(start + 1500).toISOString(),
    duration_ms: 1500,
    duration_api_ms: 900,
    cwd: '/work',
    git: { repo: 'github.com/acme/api', branch: 'main', commit: 'abc123' },
    ci: null,
    claude_version: '2.1.330',
    status: 'success',
    subtype: 'success',
    is_error: false,
    termination: 'completed',
    exit_code: 0,
    signal: null,
    api_error_status: null,
    num_turns: 2,
    models: {
      'claude-sonnet-4-5': {
        prompt: 100 + i,
        completion: 20,
        cache_read: 300,
        cache_creation: 40,
        total: 460 + i,
        cache_creation_5m: 30,
        cache_creation_1h: 10,
        web_search_requests: 0,
        cost_usd: 0.001 * (i + 1),
        cost_source: 'claude',
      },
    },
    cost_usd: 0.001 * (i + 1),
    cost_source: 'claude',
    usage_source: 'result',
    unknown_models: [],
    tool_calls: { Glob: { count: 1, errors: 1, duration_ms: 12 } },
    turns: [],
    tool_spans: [],
    malformed_lines: 0,
    message_ids: [`msg-${id}`],
    trace_id: null,
    span_id: null,
    // A long field makes each line several KB, so a torn or interleaved write would show.
    result_text: `result ${id} ${'x'.repeat(4000)}`,
  };
}
