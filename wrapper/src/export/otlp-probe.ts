// A real OTLP export as a health probe: one gRPC MetricsService/Export call carrying an empty
// request (no resource metrics), under a deadline. A collector answers it like any export and
// adds nothing to any series; an endpoint that accepts TCP but never answers fails it in time.
import { endpointAddress, normalizeEndpoint } from './config.js';
import { grpcUnary } from './grpc-unary.js';

const EXPORT_METHOD = '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export';

/** Resolves with an error message, or undefined when the endpoint answered the export. Never rejects. */
export async function probeOtlpExport(
  endpoint: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<string | undefined> {
  let address: { host: string; port: number; tls: boolean };
  let url: string;
  try {
    url = normalizeEndpoint(endpoint);
    address = endpointAddress(url);
  } catch {
    return `invalid OTLP endpoint ${JSON.stringify(endpoint)}`;
  }
  const where = `${address.host}:${address.port}`;
  const error = await grpcUnary({
    endpoint: url,
    path: EXPORT_METHOD,
    message: new Uint8Array(0),
    headers,
    deadline: Date.now() + timeoutMs,
  });
  if (error === undefined) return undefined;
  if (error === 'timed out') {
    return `no answer to an OTLP export from ${where} within ${timeoutMs} ms (it may accept connections and hang)`;
  }
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ECONNRESET|EAI_AGAIN/.test(error))
    return `cannot reach ${where} (${error})`;
  return `OTLP export to ${where} failed: ${error}`;
}
