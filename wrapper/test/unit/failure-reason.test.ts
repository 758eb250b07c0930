// Why a request failed, from the real errors Node gives: the innermost cause, never undici's
// "fetch failed" or http2's wrapper.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { failureReason } from '../../src/failure-reason.js';

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('failureReason', () => {
  it('names the refused connection under a failed fetch', async () => {
    const port = await closedPort();
    const error = await fetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect((error as Error).message).toBe('fetch failed');
    expect(failureReason(error)).toBe(`connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('says "timed out" for a fetch past its AbortSignal.timeout', async () => {
    const hung = net.createServer(() => {});
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const { port } = hung.address() as net.AddressInfo;
    try {
      const error = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(100) }).catch(
        (e: unknown) => e,
      );
      expect(failureReason(error)).toBe('timed out');
    } finally {
      hung.close();
    }
  });

  it('takes the first reason of an aggregate with no message of its own, and a code when that is all', () => {
    const both = new AggregateError([new Error('connect ECONNREFUSED ::1:9090'), new Error('second')], '');
    expect(failureReason(new Error('fetch failed', { cause: both }))).toBe('connect ECONNREFUSED ::1:9090');
    const bare = Object.assign(new Error(''), { code: 'ECONNRESET' });
    expect(failureReason(bare)).toBe('ECONNRESET');
    expect(failureReason('plain')).toBe('plain');
  });
});
