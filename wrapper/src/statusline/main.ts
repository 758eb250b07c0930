// `claude-otel statusline`: Claude Code's statusLine command. Reads the render's JSON on stdin,
// prints one line, always exits 0. Built into its own small CommonJS bundle (bundle/statusline.cjs)
// that the launcher loads directly: no CLI parser, no schema library, no ledger scan.
import { type LedgerFigures, readLedgerFigures } from './ledger-figures.js';
import { parseStatusPayload } from './payload.js';
import { recordPlanReadings } from './plan-observations.js';
import { PLACEHOLDER, renderStatusLine } from './render-line.js';

/** How long to wait for Claude Code to finish writing stdin before giving up with a placeholder. */
const STDIN_TIMEOUT_MS = 2000;

/** The line for one payload; records its plan readings. Never throws. */
export function statusLineFor(input: string, env: NodeJS.ProcessEnv, now: number = Date.now()): string {
  try {
    const payload = parseStatusPayload(input);
    if (!payload) return PLACEHOLDER;
    recordPlanReadings(payload.rate_limits, env, now);
    let figures: LedgerFigures | undefined;
    try {
      figures = readLedgerFigures(env, now);
    } catch {
      figures = undefined;
    }
    return renderStatusLine(payload, figures, now);
  } catch {
    return PLACEHOLDER;
  }
}

function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return Promise.resolve('');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const done = () => resolve(Buffer.concat(chunks).toString('utf8'));
    setTimeout(done, STDIN_TIMEOUT_MS).unref();
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', done);
    process.stdin.on('error', done);
  });
}

/** Entry for the launcher: same shape as the CLI's main (returns the exit code, always 0). */
export async function main(_args: string[] = []): Promise<number> {
  const input = await readStdin();
  process.stdout.write(`${statusLineFor(input, process.env)}\n`);
  process.stdin.destroy();
  return 0;
}
