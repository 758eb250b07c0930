// Instant queries against a Prometheus-compatible HTTP API (Prometheus, Thanos query): the shell
// of `report --source prometheus`. Every failure becomes one line saying what to check.
import * as z from 'zod';
import { parseHttpUrl } from '../config/options.js';
import { ClaudeOtelError, usageError } from '../errors.js';
import { failureReason } from '../failure-reason.js';

export interface PromSample {
  labels: Record<string, string>;
  value: number;
}
/** An instant query evaluated at `atMs`. */
export type PromQuery = (expr: string, atMs: number) => Promise<PromSample[]>;

const responseSchema = z.object({
  status: z.enum(['success', 'error']),
  error: z.string().optional(),
  data: z
    .object({
      resultType: z.string(),
      result: z.array(
        z.object({ metric: z.record(z.string(), z.string()), value: z.tuple([z.number(), z.string()]) }),
      ),
    })
    .optional(),
});

/** Said when the engine refuses the window-total form (prometheus-report.ts may retry first). */
export const REFUSED_HINT =
  'exact window totals need Prometheus 3 with --enable-feature=promql-experimental-functions, or Thanos query with --query.promql-engine=thanos --query.enable-x-functions; --promql anchored|xincrease picks the form';

/** The API answered `status: error` (a parse error, an unknown function): the engine's reason. */
class QueryRefused extends ClaudeOtelError {
  reason = '';
  withReason(reason: string): this {
    this.reason = reason;
    return this;
  }
}

/** The engine's own reason when `error` is a refused query, else undefined. */
export function refusalReason(error: unknown): string | undefined {
  return error instanceof Error && 'reason' in error && typeof error.reason === 'string'
    ? error.reason
    : undefined;
}

const URL_HINT = 'give the base URL of Prometheus or Thanos query, e.g. http://localhost:9090';

/**
 * The base URL: --url, else CLAUDE_OTEL_PROMETHEUS_URL (the variable `doctor` reads), checked by the
 * shared URL parser: http(s) only; `host:port` means http.
 */
export function parsePrometheusUrl(text: string | undefined, env: NodeJS.ProcessEnv = {}): URL {
  if (text) return new URL(parseHttpUrl(text, '--url', { hint: URL_HINT }));
  const fromEnv = env.CLAUDE_OTEL_PROMETHEUS_URL;
  if (fromEnv?.trim())
    return new URL(parseHttpUrl(fromEnv, 'CLAUDE_OTEL_PROMETHEUS_URL', { hint: URL_HINT }));
  throw usageError('--source prometheus needs --url or CLAUDE_OTEL_PROMETHEUS_URL', URL_HINT);
}

/** A query function for the API at `base`; each request is bounded by `timeoutMs`. */
export function prometheusQuery(base: URL, timeoutMs = 30_000): PromQuery {
  const endpoint = new URL(`${base.pathname.replace(/\/+$/, '')}/api/v1/query`, base);
  const where = base.toString().replace(/\/+$/, '');
  return async (expr: string, atMs: number): Promise<PromSample[]> => {
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ query: expr, time: (atMs / 1000).toFixed(3) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new ClaudeOtelError(`cannot reach Prometheus at ${where}: ${failureReason(error)}`, {
        hint: URL_HINT,
        cause: error,
      });
    }
    const text = await response.text();
    let body: z.infer<typeof responseSchema>;
    try {
      body = responseSchema.parse(JSON.parse(text));
    } catch {
      throw new ClaudeOtelError(
        `${where} does not answer like a Prometheus API (/api/v1/query gave HTTP ${response.status})`,
        { hint: URL_HINT },
      );
    }
    if (body.status === 'error' || !body.data) {
      throw new QueryRefused(`Prometheus at ${where} refused a query: ${body.error ?? 'no data'}`, {
        hint: REFUSED_HINT,
      }).withReason(body.error ?? '');
    }
    return body.data.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
  };
}
