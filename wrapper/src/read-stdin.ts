// All of stdin as text, for the commands Claude Code pipes JSON to (the status line, the session
// hook): never waits more than a bound, and a terminal (nothing piped) reads as empty.
export function readStdin(timeoutMs: number): Promise<string> {
  if (process.stdin.isTTY) return Promise.resolve('');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const done = () => resolve(Buffer.concat(chunks).toString('utf8'));
    setTimeout(done, timeoutMs).unref();
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', done);
    process.stdin.on('error', done);
  });
}
