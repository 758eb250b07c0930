// One unary gRPC call over node:http2, as an OTLP export is: a POST of a length-prefixed protobuf
// message, answered by a grpc-status in the trailers (or in the headers of a trailers-only reply).
// TLS for https endpoints, metadata from OTEL_EXPORTER_OTLP_HEADERS, a hard deadline; the session
// is closed either way so the process can exit.
import http2 from 'node:http2';
import { failureReason } from '../failure-reason.js';

export interface UnaryCall {
  /** `http://host:port` or `https://host:port`. */
  endpoint: string;
  /** e.g. `/opentelemetry.proto.collector.metrics.v1.MetricsService/Export`. */
  path: string;
  message: Uint8Array;
  headers: Record<string, string>;
  /** Absolute time (ms) by which the call has answered or is abandoned. */
  deadline: number;
}

/** Resolves with an error message, or undefined when the server answered grpc-status 0; never rejects. */
export function grpcUnary(call: UnaryCall): Promise<string | undefined> {
  return new Promise((resolve) => {
    let settled = false;
    let session: http2.ClientHttp2Session | undefined;
    const finish = (error: string | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session?.destroy();
      resolve(error);
    };
    const remaining = Math.max(1, call.deadline - Date.now());
    const timer = setTimeout(() => finish('timed out'), remaining);
    timer.unref();
    try {
      session = http2.connect(call.endpoint);
      session.on('error', (error) => finish(failureReason(error)));
      const frame = Buffer.alloc(5 + call.message.length);
      frame.writeUInt32BE(call.message.length, 1);
      frame.set(call.message, 5);
      const metadata: http2.OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(call.headers)) metadata[k.toLowerCase()] = v;
      const request = session.request({
        ...metadata,
        ':method': 'POST',
        ':path': call.path,
        'content-type': 'application/grpc',
        te: 'trailers',
        'grpc-timeout': `${remaining}m`,
      });
      let status: string | undefined;
      let message: string | undefined;
      const read = (headers: http2.IncomingHttpHeaders) => {
        if (headers['grpc-status'] !== undefined) status = String(headers['grpc-status']);
        if (headers['grpc-message'] !== undefined)
          message = decodeURIComponent(String(headers['grpc-message']));
      };
      request.on('response', (headers) => {
        const httpStatus = Number(headers[':status']);
        if (httpStatus !== 200) finish(`HTTP ${httpStatus} from ${call.endpoint}`);
        read(headers);
      });
      request.on('trailers', read);
      request.on('data', () => {}); // the reply message (ExportPartialSuccess) is not needed
      request.on('error', (error) => finish(failureReason(error)));
      request.on('end', () => {
        if (status === '0') finish(undefined);
        else finish(`grpc-status ${status ?? 'missing'}${message ? `: ${message}` : ''}`);
      });
      request.end(frame);
    } catch (error) {
      finish(failureReason(error));
    }
  });
}
