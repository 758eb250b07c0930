// What the scripted endpoint answers. A test picks a scenario by putting a marker in its prompt:
// `[[scenario:tools turns=3 in=1200 out=80 cr=500 cc=300 cc1h=100]]`. The answer for each request
// depends only on the request (turn = number of assistant messages so far), so concurrent
// Claude Code processes can share one endpoint.

export interface Scenario {
  name: string;
  params: Record<string, string>;
}

const MARKER = /\[\[scenario:([a-z0-9_-]+)((?:\s+[a-z0-9_]+=[^\s\]]+)*)\s*\]\]/i;

export function findScenario(text: string): Scenario | undefined {
  const m = MARKER.exec(text);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const pair of (m[2] ?? '').trim().split(/\s+/)) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    params[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { name: m[1]!.toLowerCase(), params };
}

export function num(s: Scenario | undefined, key: string, fallback: number): number {
  const raw = s?.params[key];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  return Number.isFinite(n) ? n : fallback;
}

export interface TurnUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
}

/** Usage of turn `turn` (0-based): the base figures grow a little each turn, so turns differ. */
export function turnUsage(s: Scenario | undefined, turn: number): TurnUsage {
  const cc = num(s, 'cc', 40) + turn * 3;
  const cc1h = Math.min(num(s, 'cc1h', 0), cc);
  return {
    input_tokens: num(s, 'in', 120) + turn * 17,
    output_tokens: num(s, 'out', 30) + turn * 5,
    cache_read_input_tokens: num(s, 'cr', 200) + turn * 11,
    cache_creation_input_tokens: cc,
    cache_creation: { ephemeral_5m_input_tokens: cc - cc1h, ephemeral_1h_input_tokens: cc1h },
  };
}

export type Reply =
  | { kind: 'text'; text: string }
  | { kind: 'tool_use'; name: string; input: Record<string, unknown>; text?: string }
  | { kind: 'http_error'; status: number; type: string; message: string }
  | { kind: 'hang' };

/**
 * The prompt the `agent` scenario gives its subagent: a `tools` marker made from the `sub_*` params
 * (`sub_turns`, `sub_in`, `sub_out`, `sub_cr`, `sub_cc`) with the same `tag`, so tests can sum
 * what was served to the main thread and to the subagent alike. The second subagent (`agents=2`)
 * takes its figures from `sub2_*` params where given, else from `sub_*`.
 */
export function subagentPrompt(s: Scenario, index = 1): string {
  const param = (key: string) =>
    (index > 1 ? s.params[`sub${index}_${key}`] : undefined) ?? s.params[`sub_${key}`];
  const pairs = [`turns=${param('turns') ?? '1'}`, 'role=sub'];
  if (s.params.tag) pairs.push(`tag=${s.params.tag}`);
  if (index > 1) pairs.push(`sub=${index}`);
  for (const key of ['in', 'out', 'cr', 'cc', 'cc1h']) {
    const value = param(key);
    if (value !== undefined) pairs.push(`${key}=${value}`);
  }
  return `Scripted subagent task. [[scenario:tools ${pairs.join(' ')}]]`;
}

/** The reply for the `turn`-th assistant message of a scenario. */
export function replyFor(s: Scenario | undefined, turn: number): Reply {
  switch (s?.name) {
    case 'tools': {
      const turns = num(s, 'turns', 2);
      if (turn < turns) {
        const tool = s.params.tool ?? 'Glob';
        const input =
          tool === 'Bash' ? { command: 'echo scripted', description: 'echo' } : { pattern: '*.txt' };
        return { kind: 'tool_use', name: tool, input, text: `Step ${turn + 1}: using ${tool}.` };
      }
      return { kind: 'text', text: s.params.answer ?? `Done after ${turns} tool calls.` };
    }
    case 'agent': {
      // The main thread hands a task to a subagent through Claude Code's `Agent` tool, then answers.
      // The subagent's own requests carry the marker built by subagentPrompt, so they get their own
      // scripted answers (a `tools` scenario with the sub_* figures and a `role=sub` param). With
      // `agents=2` a second Agent call follows (type `type2`, model `sub2_model`).
      if (turn < num(s, 'agents', 1)) {
        const index = turn + 1;
        const own = (key: string) => (index > 1 ? s.params[`${key}${index}`] : s.params[key]);
        const input: Record<string, unknown> = {
          description: `Scripted subtask ${index}`,
          prompt: subagentPrompt(s, index),
          subagent_type: own('type') ?? 'general-purpose',
          run_in_background: false,
        };
        const model = index > 1 ? s.params[`sub${index}_model`] : s.params.sub_model;
        if (model) input.model = model;
        return { kind: 'tool_use', name: 'Agent', input, text: 'Delegating to a subagent.' };
      }
      return { kind: 'text', text: s.params.answer ?? 'The subagent is done.' };
    }
    case 'maxturns':
      return { kind: 'tool_use', name: 'Glob', input: { pattern: '*.none' }, text: 'Looking again.' };
    case 'error':
      return {
        kind: 'http_error',
        status: num(s, 'status', 400),
        type: 'invalid_request_error',
        message: 'scripted failure',
      };
    case 'hang':
      return { kind: 'hang' };
    default:
      return { kind: 'text', text: s?.params.answer ?? 'Hello from the scripted endpoint.' };
  }
}
