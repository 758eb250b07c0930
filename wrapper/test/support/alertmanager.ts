// Test harness: a real Alertmanager on a free loopback port with a given config file (clustering
// off), and a webhook receiver the test owns that records every notification it is sent.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { requireTool } from './collector.js';
import { freePort } from './free-port.js';
import { fetchText, waitFor } from './wait-for.js';

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
  const logFile = path.join(dir, 'alertmanager.log');
  const out = fs.openSync(logFile, 'a');
  const child: ChildProcess = spawn(
    bin,
    [
      `--config.file=${configFile}`,
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // One instance: no gossip port to bind.
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', out, out] },
  );
  fs.closeSync(out);
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `exited with ${code ?? signal}`;
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const url = `http://127.0.0.1:${port}`;
  const log = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-3000) : '');
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => (await fetchText(`${url}/-/ready`, 1000)).status === 200, {
      timeoutMs: 30_000,
      what: 'Alertmanager to be ready',
      fatal: () => (exited ? `alertmanager ${exited}: ${log()}` : undefined),
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { address: `127.0.0.1:${port}`, url, log, stop };
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
