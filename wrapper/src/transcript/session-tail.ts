// Follows a session's transcripts (main thread and subagents) while Claude Code writes them, for a
// run's live figures: each poll reads only the bytes appended since the last one and folds the
// complete lines through the one transcript fold, so a long session is read once in all.
import fs from 'node:fs/promises';
import { TranscriptFold, type TranscriptMessage } from './fold.js';
import { findSessionTranscript, subagentTranscripts } from './locate.js';

const NEWLINE = 0x0a;

interface FileState {
  offset: number;
  /** Bytes of a line still being written (no newline yet). */
  carry: Buffer;
}

export class SessionTail {
  private main: string | undefined;
  private readonly files = new Map<string, FileState>();
  private readonly fold = new TranscriptFold();
  private bytes = 0;
  /** Set once the transcripts passed `maxBytes`: the tail stops reading (figures stay as they were). */
  overLimit = false;

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly sessionId: string,
    private readonly options: { cwd?: string; maxBytes?: number } = {},
  ) {}

  /** Reads what was appended since the last poll; true when a complete line was folded. */
  async poll(): Promise<boolean> {
    if (this.overLimit) return false;
    this.main ??= findSessionTranscript(this.env, this.sessionId, this.options.cwd);
    if (!this.main) return false;
    let changed = false;
    for (const file of [this.main, ...subagentTranscripts(this.main)]) {
      if (await this.readFile(file)) changed = true;
      if (this.overLimit) break;
    }
    return changed;
  }

  /** Messages of this session written at or after `from` (epoch ms), as folded so far. */
  messages(from: number): TranscriptMessage[] {
    const out: TranscriptMessage[] = [];
    for (const m of this.fold.current()) if (m.sessionId === this.sessionId && m.at >= from) out.push(m);
    return out;
  }

  private async readFile(file: string): Promise<boolean> {
    let state = this.files.get(file);
    if (!state) {
      state = { offset: 0, carry: Buffer.alloc(0) };
      this.files.set(file, state);
    }
    let handle: fs.FileHandle | undefined;
    try {
      handle = await fs.open(file, 'r');
      const { size } = await handle.stat();
      if (size <= state.offset) return false;
      const length = size - state.offset;
      if (this.options.maxBytes !== undefined && this.bytes + length > this.options.maxBytes) {
        this.overLimit = true;
        return false;
      }
      const buffer = Buffer.allocUnsafe(length);
      const { bytesRead } = await handle.read(buffer, 0, length, state.offset);
      state.offset += bytesRead;
      this.bytes += bytesRead;
      return this.foldLines(state, buffer.subarray(0, bytesRead));
    } catch {
      // Not there yet, or gone: the next poll tries again.
      return false;
    } finally {
      await handle?.close().catch(() => {});
    }
  }

  private foldLines(state: FileState, chunk: Buffer): boolean {
    const data = state.carry.length > 0 ? Buffer.concat([state.carry, chunk]) : chunk;
    let from = 0;
    let folded = false;
    for (;;) {
      const nl = data.indexOf(NEWLINE, from);
      if (nl === -1) break;
      this.fold.push(data.toString('utf8', from, nl));
      folded = true;
      from = nl + 1;
    }
    state.carry = Buffer.from(data.subarray(from));
    return folded;
  }
}
