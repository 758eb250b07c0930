// A quick TCP reachability check of the collector, so a refused connection costs milliseconds
// instead of the gRPC exporter's retries until the deadline.
import net from 'node:net';
import { endpointAddress } from './config.js';

export async function probeEndpoint(endpoint: string, timeoutMs: number): Promise<string | undefined> {
  let address: { host: string; port: number };
  try {
    address = endpointAddress(endpoint);
  } catch {
    return `invalid OTLP endpoint ${JSON.stringify(endpoint)}`;
  }
  return new Promise((resolve) => {
    const socket = net.connect({ host: address.host, port: address.port });
    const done = (error: string | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(error);
    };
    const timer = setTimeout(
      () => done(`no answer from ${address.host}:${address.port} within ${timeoutMs} ms`),
      Math.max(1, timeoutMs),
    );
    timer.unref();
    socket.once('connect', () => done(undefined));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done(`cannot reach ${address.host}:${address.port} (${error.code ?? error.message})`),
    );
  });
}
