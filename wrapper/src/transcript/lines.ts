// Reads a file line by line in fixed-size chunks, so memory stays at one chunk plus the longest
// line, however large the file (transcripts and ledgers grow to gigabytes over a history).
import fs from 'node:fs';

const CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;

/** Calls onLine for every line of the file (without its newline; a last line without one too). */
export function forEachFileLine(file: string, onLine: (line: string) => void): void {
  const fd = fs.openSync(file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    let carry: Buffer[] = [];
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, CHUNK_BYTES, null);
      if (n === 0) break;
      let from = 0;
      for (;;) {
        const nl = chunk.indexOf(NEWLINE, from);
        if (nl === -1 || nl >= n) break;
        if (carry.length > 0) {
          carry.push(chunk.subarray(from, nl));
          onLine(Buffer.concat(carry).toString('utf8'));
          carry = [];
        } else {
          onLine(chunk.toString('utf8', from, nl));
        }
        from = nl + 1;
      }
      // The rest belongs to a line that continues in the next chunk: keep a copy (the chunk is reused).
      if (from < n) carry.push(Buffer.from(chunk.subarray(from, n)));
    }
    if (carry.length > 0) onLine(Buffer.concat(carry).toString('utf8'));
  } finally {
    fs.closeSync(fd);
  }
}
