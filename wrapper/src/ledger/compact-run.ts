// A compact, columnar encoding of report runs for the summary cache: one array per field, repeated
// strings and objects (agent, model, cwd, git, ci, ...) interned in tables, so reloading 100k runs
// is one JSON.parse of flat arrays. A run of an unexpected shape is kept as the parsed object
// itself, so decoding always gives back exactly what the ledger line parsed to.
import type { ReportRun, ReportTurn } from './report-run.js';

export interface CompactRuns {
  n: number;
  strings: (string | null)[];
  objects: unknown[];
  run_id: (string | null)[];
  started_at: (string | null)[];
  ended_at: (string | null)[];
  /** Interned (strings): invocation, session, operation, agent, cwd, status, termination, cost and usage source. */
  interned: number[];
  /** Interned (objects): git, ci, identity (null when absent). */
  objs: number[];
  /** duration_ms, num_turns, cost_usd per run. */
  nums: number[];
  /** Per run: number of models, unknown models. */
  counts: number[];
  models: (number | null)[];
  unknown: number[];
  /** Runs kept as parsed: [index, run]. */
  raw: [number, unknown][];
  /** Usage by subagent of the (columnar) runs that have it: [index, subagents]. */
  subagents?: [number, unknown][];
}

/** Tool calls, only read by the cost analysis: per run a count (-1 for a run kept raw), then 4 numbers each. */
export interface CompactTools {
  counts: number[];
  data: number[];
}

/** Per run: -1 no turns parsed, -2 damaged once turns are read, -3 kept raw, else a turn count. */
export interface CompactTurns {
  counts: number[];
  data: number[];
  raw: [number, unknown][];
}

const STRINGS = [
  'invocation_id',
  'session_id',
  'operation',
  'agent',
  'cwd',
  'status',
  'termination',
  'cost_source',
  'usage_source',
] as const;
const NUMS = ['duration_ms', 'num_turns', 'cost_usd'] as const;
/** Interned objects per run: git, ci, identity. */
const OBJS = 3;
const MODEL_NUMS = [
  'prompt',
  'completion',
  'cache_read',
  'cache_creation',
  'total',
  'cache_creation_5m',
  'cache_creation_1h',
  'web_search_requests',
] as const;
const MODEL_WIDTH = MODEL_NUMS.length + 3;
const TOOL_NUMS = ['count', 'errors', 'duration_ms'] as const;
const TURN_NUMS = ['start_ms', 'input', 'cache_read', 'cache_creation'] as const;

const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number';
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** True when every field the layout stores has the type it expects (else the run stays raw). */
function fitsLayout(r: Record<string, unknown>): boolean {
  if (!isStr(r.run_id) || !isStr(r.started_at) || !isStr(r.ended_at)) return false;
  if (r.subagents !== undefined && !isObj(r.subagents)) return false;
  if (!STRINGS.every((f) => isStr(r[f]) || (f === 'session_id' && r[f] === null))) return false;
  if (!NUMS.every((f) => isNum(r[f]))) return false;
  if (!(r.git === null || isObj(r.git)) || !(r.ci === null || isObj(r.ci))) return false;
  if (r.identity !== undefined && !isObj(r.identity)) return false;
  if (!Array.isArray(r.unknown_models) || !r.unknown_models.every(isStr)) return false;
  for (const u of Object.values(r.models as Record<string, unknown>)) {
    if (!isObj(u) || !MODEL_NUMS.every((f) => isNum(u[f]))) return false;
    if (!(u.cost_usd === null || isNum(u.cost_usd)) || !isStr(u.cost_source)) return false;
  }
  if (!isObj(r.tool_calls)) return false;
  return Object.values(r.tool_calls).every((s) => isObj(s) && TOOL_NUMS.every((f) => isNum(s[f])));
}

/** A run's identity as decoded: the key only when the record had one. */
function identityAt(value: unknown): Pick<ReportRun, 'identity'> {
  return isObj(value) ? { identity: value as NonNullable<ReportRun['identity']> } : {};
}

class Interner<T> {
  readonly values: T[] = [];
  private readonly index = new Map<string | null, number>();
  constructor(private readonly keyOf: (v: T) => string | null) {}
  add(value: T): number {
    const key = this.keyOf(value);
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(value);
      this.index.set(key, i);
    }
    return i;
  }
}

export function encodeRuns(runs: readonly ReportRun[]): CompactRuns {
  const strings = new Interner<string | null>((s) => s);
  const objects = new Interner<unknown>((o) => JSON.stringify(o));
  const c: CompactRuns = {
    n: runs.length,
    strings: strings.values,
    objects: objects.values,
    run_id: [],
    started_at: [],
    ended_at: [],
    interned: [],
    objs: [],
    nums: [],
    counts: [],
    models: [],
    unknown: [],
    raw: [],
    subagents: [],
  };
  runs.forEach((run, index) => {
    const r = run as unknown as Record<string, unknown>;
    if (!fitsLayout(r)) {
      // Only the fields reports read are worth keeping; the bulky ones never are.
      const {
        turns: _t,
        tool_spans: _s,
        message_ids: _m,
        prompt: _p,
        result_text: _r,
        subagent_calls: _c,
        ...rest
      } = r;
      c.raw.push([index, rest]);
      c.run_id.push(null);
      c.started_at.push(null);
      c.ended_at.push(null);
      return;
    }
    c.run_id.push(run.run_id);
    c.started_at.push(run.started_at);
    c.ended_at.push(run.ended_at);
    for (const f of STRINGS) c.interned.push(strings.add(run[f]));
    c.objs.push(objects.add(run.git), objects.add(run.ci), objects.add(run.identity ?? null));
    for (const f of NUMS) c.nums.push(run[f]);
    const models = Object.entries(run.models);
    c.counts.push(models.length, run.unknown_models.length);
    for (const [model, u] of models) {
      c.models.push(strings.add(model));
      for (const f of MODEL_NUMS) c.models.push(u[f]);
      c.models.push(u.cost_usd, strings.add(u.cost_source));
    }
    for (const m of run.unknown_models) c.unknown.push(strings.add(m));
    if (run.subagents !== undefined) c.subagents!.push([index, run.subagents]);
  });
  return c;
}

/** Rebuilds the runs; throws on data that does not fit the layout (a damaged cache). */
export function decodeRuns(c: CompactRuns): ReportRun[] {
  const raw = new Map(c.raw);
  const subagents = new Map(c.subagents ?? []);
  const kept = c.n - raw.size;
  const widths: [unknown[], number][] = [
    [c.run_id, c.n],
    [c.started_at, c.n],
    [c.ended_at, c.n],
    [c.interned, kept * STRINGS.length],
    [c.objs, kept * OBJS],
    [c.nums, kept * NUMS.length],
    [c.counts, kept * 2],
  ];
  if (widths.some(([column, length]) => column.length !== length))
    throw new TypeError('cache columns do not match');
  const str = (i: number | null | undefined): string => {
    const v = c.strings[i as number];
    if (typeof v !== 'string') throw new TypeError(`cache string ${String(i)} missing`);
    return v;
  };
  const runs: ReportRun[] = [];
  let si = 0;
  let oi = 0;
  let ni = 0;
  let ci = 0;
  let mi = 0;
  let ui = 0;
  for (let i = 0; i < c.n; i++) {
    const kept = raw.get(i);
    if (kept !== undefined) {
      if (!isObj(kept)) throw new TypeError('cache run is not an object');
      runs.push({ ...kept } as unknown as ReportRun);
      continue;
    }
    const models: ReportRun['models'] = {};
    for (let end = mi + c.counts[ci]! * MODEL_WIDTH; mi < end; mi += MODEL_WIDTH) {
      const m = c.models;
      models[str(m[mi])] = {
        prompt: m[mi + 1] as number,
        completion: m[mi + 2] as number,
        cache_read: m[mi + 3] as number,
        cache_creation: m[mi + 4] as number,
        total: m[mi + 5] as number,
        cache_creation_5m: m[mi + 6] as number,
        cache_creation_1h: m[mi + 7] as number,
        web_search_requests: m[mi + 8] as number,
        // The binary cache carries a null cost (a model without a price) as NaN.
        cost_usd: m[mi + 9] === null || Number.isNaN(m[mi + 9]) ? null : (m[mi + 9] as number),
        cost_source: str(m[mi + 10]) as ReportRun['cost_source'],
      };
    }
    const unknown_models: string[] = [];
    for (let end = ui + c.counts[ci + 1]!; ui < end; ui++) unknown_models.push(str(c.unknown[ui]));
    ci += 2;
    const s = c.interned;
    const session = c.strings[s[si + 1]!];
    if (session === undefined) throw new TypeError('cache session missing');
    runs.push({
      run_id: c.run_id[i] as string,
      invocation_id: str(s[si]),
      session_id: session,
      operation: str(s[si + 2]),
      agent: str(s[si + 3]),
      started_at: c.started_at[i] as string,
      ended_at: c.ended_at[i] as string,
      duration_ms: c.nums[ni]!,
      cwd: str(s[si + 4]),
      git: c.objects[c.objs[oi]!] as ReportRun['git'],
      ci: c.objects[c.objs[oi + 1]!] as ReportRun['ci'],
      ...identityAt(c.objects[c.objs[oi + 2]!]),
      status: str(s[si + 5]) as ReportRun['status'],
      termination: str(s[si + 6]),
      num_turns: c.nums[ni + 1]!,
      models,
      cost_usd: c.nums[ni + 2]!,
      cost_source: str(s[si + 7]) as ReportRun['cost_source'],
      usage_source: str(s[si + 8]) as ReportRun['usage_source'],
      unknown_models,
      // Filled in by decodeTools when the cost analysis asks for them.
      tool_calls: {},
    });
    const split = subagents.get(i);
    if (split !== undefined) {
      if (!isObj(split)) throw new TypeError('cache subagents is not an object');
      runs[runs.length - 1]!.subagents = split as ReportRun['subagents'];
    }
    si += STRINGS.length;
    oi += OBJS;
    ni += NUMS.length;
  }
  return runs;
}

export function encodeTools(runs: readonly ReportRun[], strings: (string | null)[]): CompactTools {
  const index = new Map(strings.map((v, i) => [v, i]));
  const c: CompactTools = { counts: [], data: [] };
  for (const run of runs) {
    const tools = Object.entries(run.tool_calls);
    if (!tools.every(([, s]) => isObj(s) && TOOL_NUMS.every((f) => isNum(s[f])))) {
      c.counts.push(-1); // a run kept raw: its tool calls travel with it
      continue;
    }
    c.counts.push(tools.length);
    for (const [name, s] of tools) {
      let i = index.get(name);
      if (i === undefined) {
        i = strings.push(name) - 1;
        index.set(name, i);
      }
      c.data.push(i, s.count, s.errors, s.duration_ms);
    }
  }
  return c;
}

/** Puts the tool calls back into decoded runs (runs kept raw still have their own). */
export function decodeTools(c: CompactTools, runs: ReportRun[], strings: readonly (string | null)[]): void {
  if (c.counts.length !== runs.length) throw new TypeError('cache tools do not match');
  let d = 0;
  for (let i = 0; i < runs.length; i++) {
    if (c.counts[i] === -1) continue;
    const tool_calls: ReportRun['tool_calls'] = {};
    for (const end = d + c.counts[i]! * 4; d < end; d += 4) {
      const name = strings[c.data[d]!];
      if (typeof name !== 'string') throw new TypeError('cache tool name missing');
      tool_calls[name] = { count: c.data[d + 1]!, errors: c.data[d + 2]!, duration_ms: c.data[d + 3]! };
    }
    runs[i]!.tool_calls = tool_calls;
  }
}

export function encodeTurns(turns: readonly (ReportTurn[] | undefined | false)[]): CompactTurns {
  const c: CompactTurns = { counts: [], data: [], raw: [] };
  turns.forEach((list, index) => {
    if (list === undefined || list === false) {
      c.counts.push(list === false ? -2 : -1);
      return;
    }
    const fits = list.every((t) => isObj(t) && TURN_NUMS.every((f) => isNum(t[f])));
    if (!fits) {
      c.counts.push(-3);
      c.raw.push([index, list]);
      return;
    }
    c.counts.push(list.length);
    for (const t of list) c.data.push(t.start_ms, t.input, t.cache_read, t.cache_creation);
  });
  return c;
}

export function decodeTurns(c: CompactTurns): (ReportTurn[] | undefined | false)[] {
  const raw = new Map(c.raw);
  const out: (ReportTurn[] | undefined | false)[] = [];
  let d = 0;
  for (let i = 0; i < c.counts.length; i++) {
    const n = c.counts[i]!;
    if (n === -1) out.push(undefined);
    else if (n === -2) out.push(false);
    else if (n === -3) out.push(raw.get(i) as ReportTurn[]);
    else {
      const list: ReportTurn[] = [];
      for (const end = d + n * 4; d < end; d += 4) {
        list.push({
          start_ms: c.data[d]!,
          input: c.data[d + 1]!,
          cache_read: c.data[d + 2]!,
          cache_creation: c.data[d + 3]!,
        });
      }
      out.push(list);
    }
  }
  return out;
}
