// Follows the ledger's month files as they grow: each refresh reads only the complete lines
// appended since the last one (the ledger is append-only), and picks up new month files.
import fs from 'node:fs';
import path from 'node:path';
import type { ReportRun } from './report-run.js';
import { parseRun } from './scan-lines.js';
import { ledgerPaths, monthFiles } from './store.js';

export class LedgerTail {
  private readonly offsets = new Map<string, number>();
  warnings = 0;

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  /** Calls visit for every run appended since the last refresh. */
  refresh(visit: (run: ReportRun) => void): void {
    const { dir } = ledgerPaths(this.env);
    for (const file of monthFiles(dir)) this.readNew(file, visit);
  }

  private readNew(file: string, visit: (run: ReportRun) => void): void {
    const from = this.offsets.get(file) ?? 0;
    let size: number;
    try {
      size = fs.statSync(file).size;
    } catch {
      return;
    }
    if (size <= from) return;
    const fd = fs.openSync(file, 'r');
    let buf: Buffer;
    try {
      buf = Buffer.alloc(size - from);
      fs.readSync(fd, buf, 0, buf.length, from);
    } finally {
      fs.closeSync(fd);
    }
    // A line without its newline is still being written: leave it for the next refresh.
    const end = buf.lastIndexOf(10);
    if (end === -1) return;
    this.offsets.set(file, from + end + 1);
    for (const line of buf.toString('utf8', 0, end).split('\n')) {
      if (line.trim() === '') continue;
      const run = parseRun(line, false);
      if (run) visit(run);
      else this.warnings++;
    }
  }

  files(): string[] {
    return [...this.offsets.keys()].map((f) => path.basename(f));
  }
}
