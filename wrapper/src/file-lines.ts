// Reads a file line by line in fixed-size chunks (transcripts, ledger month files), so memory stays at one chunk plus the longest
// line, however large the file (transcripts and ledgers grow to gigabytes over a history).
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

const CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;

/**
 * Calls onLine for every line of the file (without its newline; a last line without one too, with
 * `complete` false: it may be a write still in progress).
 */
export function forEachFileLine(file: string, onLine: (line: string, complete: boolean) => void): void {
  const fd = fs.openSync(file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    // A line that spans chunks is decoded piece by piece (the decoder keeps a character cut in two
    // between pieces), so it is held once, as text, not as bytes and text at once.
    const decoder = new StringDecoder('utf8');
    let carry = '';
    let spanning = false;
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, CHUNK_BYTES, null);
      if (n === 0) break;
      let from = 0;
      for (;;) {
        const nl = chunk.indexOf(NEWLINE, from);
        if (nl === -1 || nl >= n) break;
        if (spanning) {
          const line = carry + decoder.end(chunk.subarray(from, nl));
          carry = '';
          spanning = false;
          onLine(line, true);
        } else {
          onLine(chunk.toString('utf8', from, nl), true);
        }
        from = nl + 1;
      }
      if (from < n) {
        carry += decoder.write(chunk.subarray(from, n));
        spanning = true;
      }
    }
    if (spanning) onLine(carry + decoder.end(), false);
  } finally {
    fs.closeSync(fd);
  }
}
