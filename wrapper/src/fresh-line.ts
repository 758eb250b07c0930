// The fresh-line guard of every JSONL file claude-otel appends to (the ledger, the status line's
// day index): a leaf module with no imports beyond node:fs, so the dependency-free status-line
// bundle can use the same guard as the ledger.
import fs from 'node:fs';

/**
 * True when the file's last byte is not a newline: a torn last line, or another process's record
 * still being copied in. Either way the next record then starts with a newline; at worst the file
 * gets an empty line, which every reader skips, and a record is never merged into another line.
 */
export function endsTorn(fd: number): boolean {
  const size = fs.fstatSync(fd).size;
  if (size === 0) return false;
  const last = Buffer.alloc(1);
  return fs.readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 10;
}
