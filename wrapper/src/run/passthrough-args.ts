// Reads and rewrites a user's own `claude` argument list for `claude-otel run -- ...`: is it a
// print-mode run, which output format did the user choose, and the arguments that make Claude
// Code stream its events (stream-json) so the wrapper can record usage and re-render the choice.
// Also which of a user's flags `swarm` cannot pass on, since it sets them itself.
import { usageError } from '../errors.js';

export type OutputFormat = 'text' | 'json' | 'stream-json';

export interface PassthroughPlan {
  print: boolean;
  format: OutputFormat;
  args: string[];
  prompt: string | undefined;
}

const VALUE_FLAGS = new Set([
  '--output-format',
  '--input-format',
  '--model',
  '--max-turns',
  '--allowedTools',
  '--allowed-tools',
  '--disallowedTools',
  '--disallowed-tools',
  '--append-system-prompt',
  '--system-prompt',
  '--permission-mode',
  '--session-id',
  '--resume',
  '-r',
  '--settings',
  '--mcp-config',
  '--add-dir',
  '--agents',
  '--fallback-model',
]);

export function planPassthrough(userArgs: string[]): PassthroughPlan {
  const print = userArgs.includes('-p') || userArgs.includes('--print');
  let format: OutputFormat = 'text';
  const rest: string[] = [];
  let prompt: string | undefined;
  for (let i = 0; i < userArgs.length; i++) {
    const arg = userArgs[i]!;
    if (arg === '--output-format') {
      format = asFormat(userArgs[i + 1]);
      i++;
      continue;
    }
    if (arg.startsWith('--output-format=')) {
      format = asFormat(arg.slice('--output-format='.length));
      continue;
    }
    rest.push(arg);
    if (VALUE_FLAGS.has(arg) && i + 1 < userArgs.length) {
      rest.push(userArgs[++i]!);
      continue;
    }
    if (!arg.startsWith('-') && prompt === undefined) prompt = arg;
  }
  if (!print) return { print, format, args: userArgs, prompt };
  // A user who chose stream-json gets exactly what they asked for, including Claude Code's own
  // complaint when --verbose is missing; the other formats are produced from the stream.
  if (format === 'stream-json') return { print, format, args: userArgs, prompt };
  const args = [...rest, '--output-format', 'stream-json'];
  if (!args.includes('--verbose')) args.push('--verbose');
  return { print, format, args, prompt };
}

function asFormat(value: string | undefined): OutputFormat {
  return value === 'json' || value === 'stream-json' ? value : 'text';
}

/**
 * `swarm` drives every Claude Code with `-p <task> --output-format stream-json --verbose`: a user's
 * own output or input format after `--` would break the stream it records (a run recorded as an
 * error with no usage, or one waiting on stdin). `--verbose` and `--model` and the like are fine.
 */
export function refuseSwarmFormatFlags(userArgs: string[]): void {
  for (const arg of userArgs) {
    const flag = arg.split('=')[0];
    if (flag === '--output-format') {
      throw usageError(
        'swarm sets --output-format itself (stream-json)',
        'drop it, or use claude-otel run -- -p "..." --output-format json',
      );
    }
    if (flag === '--input-format') {
      throw usageError(
        'swarm gives each task as the prompt: --input-format is not for swarm',
        'drop it, or use claude-otel run -- -p --input-format stream-json',
      );
    }
  }
}
