// Reads the JSON Claude Code pipes to a statusLine command at every render. Hand-written checks
// rather than a schema library: this runs at every render and must start in a few milliseconds.
// Anything missing or of the wrong type is dropped, never an error.

export type PlanWindowName = 'five_hour' | 'seven_day';
export const PLAN_WINDOWS: readonly PlanWindowName[] = ['five_hour', 'seven_day'];

export interface PlanWindowReading {
  /** 0-100, as Claude Code sends it. */
  used_percentage: number;
  /** Epoch seconds. */
  resets_at: number;
}

export interface StatusPayload {
  session_id?: string;
  model?: string;
  session_cost_usd?: number;
  context_used_percent?: number;
  rate_limits: Partial<Record<PlanWindowName, PlanWindowReading>>;
}

type Json = Record<string, unknown>;

function object(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The payload's parts the status line uses, or undefined when the text is not a JSON object. */
export function parseStatusPayload(input: string): StatusPayload | undefined {
  let root: Json | undefined;
  try {
    root = object(JSON.parse(input));
  } catch {
    return undefined;
  }
  if (!root) return undefined;
  const payload: StatusPayload = { rate_limits: {} };
  const session = text(root.session_id);
  if (session) payload.session_id = session;
  const model = object(root.model);
  const modelName = text(model?.display_name) ?? text(model?.id);
  if (modelName) payload.model = modelName;
  const cost = finite(object(root.cost)?.total_cost_usd);
  if (cost !== undefined) payload.session_cost_usd = cost;
  const context = finite(object(root.context_window)?.used_percentage);
  if (context !== undefined) payload.context_used_percent = context;
  const limits = object(root.rate_limits);
  for (const name of PLAN_WINDOWS) {
    const w = object(limits?.[name]);
    const used = finite(w?.used_percentage);
    const resets = finite(w?.resets_at);
    if (used !== undefined && resets !== undefined && used <= 100) {
      payload.rate_limits[name] = { used_percentage: used, resets_at: resets };
    }
  }
  return payload;
}
