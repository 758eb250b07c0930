// The HTTP side of `serve`: /metrics brings the counters up to date with the ledger, then answers
// in OpenMetrics (with created timestamps) when the scraper asks for it, else in Prometheus text
// format; anything else gets a short pointer.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LedgerTail } from '../ledger/ledger-tail.js';
import { LedgerMetrics } from './ledger-metrics.js';
import { acceptsOpenMetrics, OPENMETRICS_CONTENT_TYPE, openMetricsText } from './openmetrics.js';

export interface MetricsServer {
  url: string;
  metrics: LedgerMetrics;
  close(): Promise<void>;
}

export async function startMetricsServer(options: {
  env: NodeJS.ProcessEnv;
  host: string;
  port: number;
  /** Told about each damaged ledger line, once. */
  onWarning?: (text: string) => void;
}): Promise<MetricsServer> {
  const metrics = new LedgerMetrics();
  const tail = new LedgerTail(options.env);
  // Read the whole ledger before the first scrape, so a restart never shows lower totals.
  const add = (run: Parameters<LedgerMetrics['add']>[0]) => metrics.add(run);
  tail.refresh(add, options.onWarning);
  const server = http.createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (url !== '/metrics') {
      res
        .writeHead(url === '/' ? 200 : 404, { 'content-type': 'text/plain' })
        .end('claude-otel serve: see /metrics\n');
      return;
    }
    try {
      tail.refresh(add, options.onWarning);
    } catch (error) {
      res
        .writeHead(500, { 'content-type': 'text/plain' })
        .end(`cannot read the ledger: ${(error as Error).message}\n`);
      return;
    }
    const openMetrics = acceptsOpenMetrics(req.headers.accept);
    const text = openMetrics
      ? openMetricsText(metrics.registry, (metric, key) => metrics.created(metric, key))
      : metrics.registry.metrics();
    text.then(
      (body) =>
        res
          .writeHead(200, {
            'content-type': openMetrics ? OPENMETRICS_CONTENT_TYPE : metrics.registry.contentType,
          })
          .end(body),
      (error: Error) => res.writeHead(500).end(`${error.message}\n`),
    );
  });
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    metrics,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
