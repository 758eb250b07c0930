// Follows the ledger's month files as they grow: each refresh reads only the complete lines
// appended since the last one (the ledger is append-only), and picks up new month files.
// Damaged lines are reported once each, by file and line, like every other ledger reader.
import fs from 'node:fs';
import path from 'node:path';
import type { ReportRun } from './report-run.js';
import { parseRun } from './scan-lines.js';
import { ledgerPaths, monthFiles } from './store.js';

export class LedgerTail {
  /** Per month file: bytes and complete lines read so far. */
  private readonly read = new Map<string, { offset: number; lines: number }>();
  /** Every damaged line seen so far ("runs-2026-11.jsonl:7: damaged run record skipped"). */
  readonly warnings: string[] = [];

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  /** Calls visit for every run appended since the last refresh, warn for every damaged line. */
  refresh(visit: (run: ReportRun) => void, warn: (text: string) => void = () => {}): void {
    const { dir } = ledgerPaths(this.env);
    for (const file of monthFiles(dir)) this.readNew(file, visit, warn);
  }

  private readNew(file: string, visit: (run: ReportRun) => void, warn: (text: string) => void): void {
    const from = this.read.get(file) ?? { offset: 0, lines: 0 };
    let size: number;
    try {
      size = fs.statSync(file).size;
    } catch {
      return;
    }
    if (size <= from.offset) return;
    const fd = fs.openSync(file, 'r');
    let buf: Buffer;
    try {
      buf = Buffer.alloc(size - from.offset);
      fs.readSync(fd, buf, 0, buf.length, from.offset);
    } finally {
      fs.closeSync(fd);
    }
    // A line without its newline is still being written: leave it for the next refresh.
    const end = buf.lastIndexOf(10);
    if (end === -1) return;
    let lineNo = from.lines;
    for (const line of buf.toString('utf8', 0, end).split('\n')) {
      lineNo++;
      if (line.trim() === '') continue;
      const run = parseRun(line, false);
      if (run) visit(run);
      else {
        const text = `${path.basename(file)}:${lineNo}: damaged run record skipped`;
        this.warnings.push(text);
        warn(text);
      }
    }
    this.read.set(file, { offset: from.offset + end + 1, lines: lineNo });
  }

  files(): string[] {
    return [...this.read.keys()].map((f) => path.basename(f));
  }
}
