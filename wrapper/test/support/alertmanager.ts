// Test harness: a real Alertmanager on a free loopback port with a given config file (clustering
// off), and a webhook receiver the test owns that records every notification it is sent.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { requireTool } from './collector.js';
import { freePort } from './free-port.js';
import { awaitReady, spawnService } from './service.js';

export interface TestAlertmanager {
  /** host:port, for Prometheus' alerting config. */
  address: string;
  url: string;
  log(): string;
  stop(): Promise<void>;
}

export async function startAlertmanager(configFile: string): Promise<TestAlertmanager> {
  const bin = requireTool('alertmanager');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claude-otel-alertmanager-'));
  const port = await freePort();
  const service = spawnService(
    'alertmanager',
    bin,
    [
      `--config.file=${configFile}`,
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // One instance: no gossip port to bind.
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { logFile: path.join(dir, 'alertmanager.log') },
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await service.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await awaitReady(service, `${url}/-/ready`, { what: 'Alertmanager to be ready' });
  } catch (error) {
    await stop();
    throw error;
  }
  return { address: `127.0.0.1:${port}`, url, log: () => service.log(), stop };
}

export interface Notification {
  path: string;
  body: unknown;
}

export interface WebhookReceiver {
  url: string;
  received: Notification[];
  close(): Promise<void>;
}

/** Records every POST as path + parsed JSON body, answering 200. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: Notification[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {}
      received.push({ path: req.url ?? '', body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
