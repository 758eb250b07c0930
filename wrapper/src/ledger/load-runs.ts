// Reads the ledger for reports, fast: each month file's runs come from the summary cache plus the
// lines appended since (see run-cache.ts), then the window and run-id deduplication are applied.
// Damaged lines give the same warnings whether they were read now or when the cache was built.
import fs from 'node:fs';
import path from 'node:path';
import type { ReportRun } from './report-run.js';
import { cachePath, REWRITE_AFTER_BYTES, readCache, writeCache } from './run-cache.js';
import { emptyFileRuns, type FileRuns, scanLines } from './scan-lines.js';
import { ledgerPaths, ledgerUnreadable, monthFiles } from './store.js';

export interface LoadOptions {
  since?: Date | undefined;
  until?: Date | undefined;
  env?: NodeJS.ProcessEnv;
  /** Also load each run's turns and tool calls (the cost analysis needs them; else tool_calls may be empty). */
  withTurns?: boolean;
  /** Use and update the summary cache under $CLAUDE_OTEL_HOME/cache (the CLI does; default off). */
  cache?: boolean;
}

export interface LoadedRuns {
  runs: ReportRun[];
  warnings: string[];
}

export function loadReportRuns(options: LoadOptions = {}): LoadedRuns {
  const env = options.env ?? process.env;
  const { dir } = ledgerPaths(env);
  const withTurns = options.withTurns === true;
  const warnings: string[] = [];
  const sinceMs = options.since?.getTime() ?? Number.NEGATIVE_INFINITY;
  const untilMs = options.until?.getTime() ?? Number.POSITIVE_INFINITY;
  const inWindow = (ms: number | null | undefined) =>
    ms === null || ms === undefined || (ms >= sinceMs && ms <= untilMs);
  const seen = new Set<string>();
  const runs: ReportRun[] = [];
  for (const file of monthFiles(dir, options.since, options.until)) {
    const part = readMonthFile(file, env, withTurns, options.cache === true);
    const name = path.basename(file);
    const damaged: { line: number; text: string }[] = [];
    for (const d of part.damaged) {
      if (inWindow(d.pre))
        damaged.push({ line: d.line, text: `${name}:${d.line}: damaged run record skipped` });
    }
    let turnless = false;
    for (let i = 0; i < part.runs.length; i++) {
      const run = part.runs[i]!;
      const ms = part.started[i]!;
      const pre = part.pre.has(i) ? part.pre.get(i) : ms;
      if (!inWindow(pre)) continue;
      if (withTurns) {
        const turns = part.turns[i];
        if (turns === false) {
          damaged.push({
            line: part.lines[i]!,
            text: `${name}:${part.lines[i]}: damaged run record skipped`,
          });
          turnless = true;
          continue;
        }
        if (turns !== undefined) run.turns = turns;
      }
      if (ms < sinceMs || ms > untilMs || seen.has(run.run_id)) continue;
      seen.add(run.run_id);
      runs.push(run);
    }
    if (turnless) damaged.sort((a, b) => a.line - b.line);
    for (const d of damaged) warnings.push(d.text);
  }
  runs.sort((a, b) => (a.started_at < b.started_at ? -1 : a.started_at > b.started_at ? 1 : 0));
  return { runs, warnings };
}

/** All runs of one month file: the cached part, then the bytes appended since (parsed now). */
function readMonthFile(
  file: string,
  env: NodeJS.ProcessEnv,
  withTurns: boolean,
  useCache: boolean,
): FileRuns {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyFileRuns();
    throw ledgerUnreadable(file, error);
  }
  try {
    const stat = fs.fstatSync(fd);
    const cacheFile = cachePath(env, file);
    // Rewriting the cache needs the turns of the cached part too.
    const rewriteFrom = (offset: number) => stat.size - offset >= REWRITE_AFTER_BYTES;
    const cached = useCache
      ? readCache(cacheFile, file, fd, stat, (offset) => withTurns || rewriteFrom(offset))
      : undefined;
    const offset = cached?.offset ?? 0;
    const out = cached?.runs ?? emptyFileRuns();
    const buf = Buffer.alloc(stat.size - offset);
    let read = 0;
    while (read < buf.length) {
      const n = fs.readSync(fd, buf, read, buf.length - read, offset + read);
      if (n === 0) break;
      read += n;
    }
    const whole = buf.lastIndexOf(10, read - 1) + 1;
    const rewrite = useCache && (!cached || rewriteFrom(offset));
    scanLines(buf.toString('utf8', 0, whole), out, { withTurns: withTurns || rewrite, complete: true });
    if (rewrite) writeCache(cacheFile, file, fd, stat.ino, offset + whole, out);
    // A last line without its newline may be a write in progress: read now, never cached.
    scanLines(buf.toString('utf8', whole, read), out, { withTurns, complete: false });
    return out;
  } catch (error) {
    throw ledgerUnreadable(file, error);
  } finally {
    fs.closeSync(fd);
  }
}
