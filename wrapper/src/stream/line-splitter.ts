// Splits a byte stream into lines with bounded memory: a line longer than the limit is
// dropped (and counted) instead of growing the buffer without end. The limit counts decoded
// characters (UTF-16 code units, what the buffered string holds), not bytes.
import { StringDecoder } from 'node:string_decoder';

export const MAX_LINE_CHARS = 64 * 1024 * 1024;

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private skipping = false;
  oversized = 0;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLine = MAX_LINE_CHARS,
  ) {}

  push(chunk: Buffer | string): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl === -1) break;
      const piece = text.slice(start, nl);
      if (this.skipping) {
        this.skipping = false;
      } else if (this.pending.length + piece.length > this.maxLine) {
        // The same limit whether the line arrived in one chunk or several.
        this.oversized++;
      } else {
        this.onLine(this.pending === '' ? piece : this.pending + piece);
      }
      this.pending = '';
      start = nl + 1;
    }
    if (start < text.length && !this.skipping) {
      this.pending += text.slice(start);
      if (this.pending.length > this.maxLine) {
        this.pending = '';
        this.skipping = true;
        this.oversized++;
      }
    }
  }

  end(): void {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    if (rest !== '' && !this.skipping) {
      if (rest.length > this.maxLine) this.oversized++;
      else this.onLine(rest);
    }
    this.skipping = false;
  }
}
