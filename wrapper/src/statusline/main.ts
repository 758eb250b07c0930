// `claude-otel statusline`: Claude Code's statusLine command. Reads the render's JSON on stdin,
// prints one line, always exits 0. Built into its own small CommonJS bundle (bundle/statusline.cjs)
// that the launcher loads directly: no CLI parser, no schema library, no ledger scan.

import { readStdin } from '../read-stdin.js';
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

/** Entry for the launcher: same shape as the CLI's main (returns the exit code, always 0). */
export async function main(_args: string[] = []): Promise<number> {
  const input = await readStdin(STDIN_TIMEOUT_MS);
  process.stdout.write(`${statusLineFor(input, process.env)}\n`);
  process.stdin.destroy();
  return 0;
}
