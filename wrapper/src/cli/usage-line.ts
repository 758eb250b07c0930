// The one line a command-line parsing error (commander's) prints: commander's own message, its
// "Did you mean" suggestion joined in, and a hint naming the help of the command that refused it
// (for `run`, where a flag meant for claude belongs: after --).

/** Commander's message (e.g. "error: unknown command 'x'\n(Did you mean y?)\n") as one line. */
export function usageMessage(raw: string): string {
  return raw
    .replace(/^error: /, '')
    .trim()
    .replace(/\s*\n\s*\(Did you mean (.+?)\?\)/, '; did you mean $1?')
    .replace(/\s*\n\s*/g, ' ');
}

/** The command's own options: whether a word is one, and whether it takes a value. */
export type OwnOptions = (word: string) => 'flag' | 'value' | undefined;

/**
 * `commandPath`: the command that refused the arguments ("claude-otel", "claude-otel stack up").
 * `args`: for `run`, its arguments as given (own ones, then those after --), to show the fix.
 */
export function usageLine(raw: string, commandPath: string, args: string[] = [], own?: OwnOptions): string {
  const message = usageMessage(raw);
  const hint =
    (commandPath === 'claude-otel run' && own && afterDashDash(message, args, own)) ||
    `see ${commandPath} --help`;
  return `claude-otel: ${message} (${hint})`;
}

/** `claude-otel run -p hi` → "put claude's own flags after --: claude-otel run -- -p hi". */
function afterDashDash(message: string, args: string[], isOwn: OwnOptions): string | undefined {
  const unknown = /^unknown option '(.+)'/.exec(message)?.[1];
  const excess = /^too many arguments/.test(message);
  if (unknown === undefined && !excess) return undefined;
  // The wrapper's own options (with their values) stay before --, everything else goes after it.
  const own: string[] = [];
  const claude: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (word === '--') continue;
    const kind = isOwn(word.split('=')[0]!);
    if (kind === undefined) claude.push(word);
    else own.push(...(kind === 'value' && !word.includes('=') ? args.slice(i, ++i + 1) : [word]));
  }
  if (claude.length === 0) return undefined;
  const line = ['claude-otel', 'run', ...own, '--', ...claude].map(shellWord).join(' ');
  return `put claude's own ${unknown !== undefined ? 'flags' : 'arguments'} after --: ${line}`;
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
