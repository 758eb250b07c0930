// The summary cache behind fast reports: per ledger month file, the compact runs of its first
// `offset` bytes in `$CLAUDE_OTEL_HOME/cache/reports/<file>.cache`. Month files are append-only,
// so a report reads the cache plus only the bytes appended since. The cache is trusted only while
// the file is the same file (inode) at least as long, with the same first and last bytes before
// the offset; anything else (truncation, rewrite, a damaged or foreign cache) rebuilds it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { dataHome } from '../config/paths.js';
import {
  type CompactRuns,
  type CompactTools,
  type CompactTurns,
  decodeRuns,
  decodeTools,
  decodeTurns,
  encodeRuns,
  encodeTools,
  encodeTurns,
} from './compact-run.js';
import { emptyFileRuns, type FileRuns } from './scan-lines.js';

/** Bump when the layout changes: older caches are then rebuilt. */
export const CACHE_FORMAT = 1;
/** Bytes hashed at the head of the file and just before the offset, to notice a rewritten file. */
const PROBE_BYTES = 4096;
/** The cache is rewritten once this much was appended since; smaller tails are parsed live (cheap). */
export const REWRITE_AFTER_BYTES = 1 << 20;

interface CacheHeader {
  format: number;
  file: string;
  ino: number;
  offset: number;
  lines: number;
  head: string;
  tail: string;
  /** Byte length and checksum of the body and turns sections, so a damaged cache is noticed. */
  sections: [number, number][];
}

interface CacheBody {
  runs: CompactRuns;
  started: number[];
  pre: [number, number | null][];
  damaged: [number, number | null][];
}

/** What only the cost analysis reads, in its own section so that plain reports never parse it. */
interface CacheDetail {
  lines: number[];
  tools: CompactTools;
  turns: CompactTurns;
}

export function cachePath(env: NodeJS.ProcessEnv, file: string): string {
  return path.join(dataHome(env), 'cache', 'reports', `${path.basename(file)}.cache`);
}

function probe(fd: number, from: number, to: number): string {
  const start = Math.max(from, 0);
  const buf = Buffer.alloc(Math.max(to - start, 0));
  if (buf.length > 0) fs.readSync(fd, buf, 0, buf.length, start);
  return crypto.createHash('sha1').update(buf).digest('hex');
}

// crc32 arrived in Node 20.15; without it only the section lengths are checked.
const crc = (buf: Buffer): number => (typeof zlib.crc32 === 'function' ? zlib.crc32(buf) : 0);

function headerFor(
  fd: number,
  file: string,
  ino: number,
  offset: number,
  lines: number,
): Omit<CacheHeader, 'sections'> {
  return {
    format: CACHE_FORMAT,
    file: path.basename(file),
    ino,
    offset,
    lines,
    head: probe(fd, 0, Math.min(PROBE_BYTES, offset)),
    tail: probe(fd, offset - PROBE_BYTES, offset),
  };
}

export interface CachedPart {
  runs: FileRuns;
  offset: number;
}

/**
 * The cached runs of `file` (opened as fd, of the given size and inode), or undefined when there
 * is no cache or it does not match the file. Turns are decoded only when asked for.
 */
export function readCache(
  cacheFile: string,
  file: string,
  fd: number,
  stat: { ino: number; size: number },
  withTurns: (offset: number) => boolean,
): CachedPart | undefined {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  try {
    const first = buf.indexOf(10);
    if (first === -1) return undefined;
    const h = JSON.parse(buf.toString('utf8', 0, first)) as CacheHeader;
    if (h.format !== CACHE_FORMAT || h.file !== path.basename(file) || h.ino !== stat.ino) return undefined;
    if (!Number.isInteger(h.offset) || h.offset > stat.size || !Number.isInteger(h.lines)) return undefined;
    const expected = headerFor(fd, file, stat.ino, h.offset, h.lines);
    if (expected.head !== h.head || expected.tail !== h.tail) return undefined;
    const [bodyAt, turnsAt, end] = [first + 1, first + 1 + h.sections[0]![0], buf.length];
    if (turnsAt + h.sections[1]![0] !== end) return undefined;
    const section = (from: number, to: number, i: number): string | undefined => {
      const bytes = buf.subarray(from, to);
      return crc(bytes) === h.sections[i]![1] ? bytes.toString('utf8') : undefined;
    };
    const bodyText = section(bodyAt, turnsAt, 0);
    if (bodyText === undefined) return undefined;
    const body = JSON.parse(bodyText) as CacheBody;
    const runs = emptyFileRuns();
    runs.lineCount = h.lines;
    runs.runs = decodeRuns(body.runs);
    if (body.started.length !== runs.runs.length) return undefined;
    runs.started = body.started;
    runs.pre = new Map(body.pre);
    runs.damaged = body.damaged.map(([line, pre]) => ({ line, pre: pre ?? undefined }));
    if (withTurns(h.offset)) {
      const detailText = section(turnsAt, end, 1);
      if (detailText === undefined) return undefined;
      const detail = JSON.parse(detailText) as CacheDetail;
      runs.turns = decodeTurns(detail.turns);
      runs.lines = detail.lines;
      decodeTools(detail.tools, runs.runs, body.runs.strings);
      if (runs.turns.length !== runs.runs.length || runs.lines.length !== runs.runs.length) return undefined;
    } else {
      runs.turns = new Array<undefined>(runs.runs.length);
      runs.lines = new Array<number>(runs.runs.length).fill(0);
    }
    return { runs, offset: h.offset };
  } catch {
    // A damaged cache is only a slower report: rebuild it.
    return undefined;
  }
}

/** Writes the cache for the first `offset` bytes (whole lines) of `file`; failures are ignored. */
export function writeCache(
  cacheFile: string,
  file: string,
  fd: number,
  ino: number,
  offset: number,
  runs: FileRuns,
): void {
  const compact = encodeRuns(runs.runs);
  const detail: CacheDetail = {
    lines: runs.lines,
    tools: encodeTools(runs.runs, compact.strings),
    turns: encodeTurns(runs.turns),
  };
  const body: CacheBody = {
    runs: compact,
    started: runs.started,
    pre: [...runs.pre],
    damaged: runs.damaged.map((d) => [d.line, d.pre ?? null]),
  };
  const bodyBytes = Buffer.from(`${JSON.stringify(body)}\n`);
  const turnsBytes = Buffer.from(`${JSON.stringify(detail)}\n`);
  const header: CacheHeader = {
    ...headerFor(fd, file, ino, offset, runs.lineCount),
    sections: [
      [bodyBytes.length, crc(bodyBytes)],
      [turnsBytes.length, crc(turnsBytes)],
    ],
  };
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
    fs.writeFileSync(tmp, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), bodyBytes, turnsBytes]));
    // Readers see the old cache or the new one, never half of one.
    fs.renameSync(tmp, cacheFile);
  } catch {
    fs.rmSync(tmp, { force: true });
  }
}
