// A real OTLP export as a health probe: one gRPC MetricsService/Export call carrying an empty
// request (no resource metrics), under a deadline. A collector answers it like any export and
// adds nothing to any series; an endpoint that accepts TCP but never answers fails it in time.
import { endpointAddress, normalizeEndpoint } from './config.js';

const EXPORT_METHOD = '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export';
/** Status codes of grpc-js worth a sentence of their own. */
const DEADLINE_EXCEEDED = 4;
const UNAVAILABLE = 14;

/** Resolves with an error message, or undefined when the endpoint answered the export. Never rejects. */
export async function probeOtlpExport(
  endpoint: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<string | undefined> {
  let address: { host: string; port: number; tls: boolean };
  try {
    address = endpointAddress(normalizeEndpoint(endpoint));
  } catch {
    return `invalid OTLP endpoint ${JSON.stringify(endpoint)}`;
  }
  const where = `${address.host}:${address.port}`;
  const grpc = await import('@grpc/grpc-js');
  const target = address.host.includes(':') ? `[${address.host}]:${address.port}` : where;
  const client = new grpc.Client(
    target,
    address.tls ? grpc.credentials.createSsl() : grpc.credentials.createInsecure(),
  );
  const metadata = new grpc.Metadata();
  for (const [k, v] of Object.entries(headers)) metadata.set(k.toLowerCase(), v);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (error: string | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(safety);
      client.close();
      resolve(error);
    };
    const late = `no answer to an OTLP export from ${where} within ${timeoutMs} ms (it may accept connections and hang)`;
    // The gRPC deadline should fire first; this one holds even if it does not.
    const safety = setTimeout(() => finish(late), timeoutMs + 500);
    safety.unref();
    try {
      client.makeUnaryRequest(
        EXPORT_METHOD,
        (request: Buffer) => request,
        (response: Buffer) => response,
        Buffer.alloc(0),
        metadata,
        { deadline: Date.now() + timeoutMs },
        (error) => {
          if (!error) return finish(undefined);
          if (error.code === DEADLINE_EXCEEDED) return finish(late);
          if (error.code === UNAVAILABLE) return finish(`cannot reach ${where} (${error.details})`);
          finish(`OTLP export to ${where} failed: ${error.details || error.message}`);
        },
      );
    } catch (error) {
      finish(`OTLP export to ${where} failed: ${(error as Error).message}`);
    }
  });
}
