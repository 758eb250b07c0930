// The one line a command-line parsing error (commander's) prints: commander's own message, its
// "Did you mean" suggestion joined in, and a hint naming the help of the command that refused it.

/** Commander's message (e.g. "error: unknown command 'x'\n(Did you mean y?)\n") as one line. */
export function usageMessage(raw: string): string {
  return raw
    .replace(/^error: /, '')
    .trim()
    .replace(/\s*\n\s*\(Did you mean (.+?)\?\)/, '; did you mean $1?')
    .replace(/\s*\n\s*/g, ' ');
}

export function usageLine(raw: string, commandPath: string): string {
  return `claude-otel: ${usageMessage(raw)} (see ${commandPath} --help)`;
}
