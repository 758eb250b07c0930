// The summary cache behind fast reports: per ledger month file, the compact runs of its first
// `offset` bytes in `$CLAUDE_OTEL_HOME/cache/reports/<file>.cache`. Month files are append-only,
// so a report reads the cache plus only the bytes appended since. The cache is trusted only while
// the file is the same file (inode) at least as long, with the same first and last bytes before
// the offset; anything else (truncation, rewrite, a damaged or foreign cache) rebuilds it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
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

/**
 * Bump when the layout or what a line parses to changes: older caches are then rebuilt. (3: a
 * torn or merged line is damage; a cache of 2 may hold such a line's front as a run. 4: runs keep
 * their usage by subagent. 5: runs keep their team-mode identity.)
 */
export const CACHE_FORMAT = 5;
/** Bytes hashed at the head of the file and just before the offset, to notice a rewritten file. */
const PROBE_BYTES = 4096;
/** The cache is rewritten once this much was appended since; smaller tails are parsed live (cheap). */
export const REWRITE_AFTER_BYTES = 1 << 20;

interface CacheHeader {
  format: number;
  endian: string;
  file: string;
  ino: number;
  offset: number;
  lines: number;
  head: string;
  tail: string;
  /** Per section: JSON byte length, column lengths, checksum (crc32 of the section's bytes). */
  sections: { json: number; columns: number[]; crc: number }[];
}

interface CacheBody {
  runs: CompactRuns;
  pre: [number, number | null][];
  damaged: [number, number | null][];
}

/** What only the cost analysis reads, in its own section so that plain reports never parse it. */
interface CacheDetail {
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

/**
 * A section: JSON for the strings and odd shapes, then its numeric columns as raw float64 (parsing
 * them as JSON was most of a cached report's time). Columns are taken out of the JSON (emptied).
 */
function packSection(
  json: unknown,
  columns: (number | null)[][],
): { bytes: Buffer; json: number; columns: number[] } {
  const values = new Float64Array(columns.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const column of columns) {
    for (const v of column) values[at++] = v === null ? Number.NaN : v;
  }
  const text = Buffer.from(JSON.stringify(json));
  return {
    bytes: Buffer.concat([text, Buffer.from(values.buffer)]),
    json: text.length,
    columns: columns.map((c) => c.length),
  };
}

function unpackSection(
  bytes: Buffer,
  json: number,
  lengths: number[],
): { json: unknown; columns: number[][] } {
  const count = lengths.reduce((n, c) => n + c, 0);
  if (bytes.length !== json + count * 8) throw new TypeError('cache section has the wrong size');
  // Copied into a fresh (8-byte aligned) buffer: the file's bytes may sit at any offset.
  const values = new Float64Array(count);
  new Uint8Array(values.buffer).set(bytes.subarray(json));
  const columns: number[][] = [];
  let at = 0;
  for (const n of lengths) {
    // Decoders only index the columns and read their length, so a typed array stands in for number[].
    columns.push(values.subarray(at, at + n) as unknown as number[]);
    at += n;
  }
  return { json: JSON.parse(bytes.toString('utf8', 0, json)), columns };
}

function headerFor(
  fd: number,
  file: string,
  ino: number,
  offset: number,
  lines: number,
): Omit<CacheHeader, 'sections'> {
  return {
    format: CACHE_FORMAT,
    endian: os.endianness(),
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
    if (h.endian !== expected.endian) return undefined;
    const [bodySize, detailSize] = h.sections.map((x) => x.json + x.columns.reduce((n, c) => n + c, 0) * 8);
    const bodyAt = first + 1;
    const detailAt = bodyAt + bodySize!;
    if (detailAt + detailSize! !== buf.length) return undefined;
    const section = (from: number, size: number, i: number) => {
      const bytes = buf.subarray(from, from + size);
      if (crc(bytes) !== h.sections[i]!.crc) throw new TypeError('cache checksum mismatch');
      return unpackSection(bytes, h.sections[i]!.json, h.sections[i]!.columns);
    };
    const bodyPart = section(bodyAt, bodySize!, 0);
    const body = bodyPart.json as CacheBody;
    const [interned, objs, nums, counts, models, unknown, started] = bodyPart.columns;
    Object.assign(body.runs, { interned, objs, nums, counts, models, unknown });
    const runs = emptyFileRuns();
    runs.lineCount = h.lines;
    runs.runs = decodeRuns(body.runs);
    if (started!.length !== runs.runs.length) return undefined;
    runs.started = started!;
    runs.pre = new Map(body.pre);
    runs.damaged = body.damaged.map(([line, pre]) => ({ line, pre: pre ?? undefined }));
    if (withTurns(h.offset)) {
      const detailPart = section(detailAt, detailSize!, 1);
      const detail = detailPart.json as CacheDetail;
      const [lines, toolCounts, toolData, turnCounts, turnData] = detailPart.columns;
      Object.assign(detail.tools, { counts: toolCounts, data: toolData });
      Object.assign(detail.turns, { counts: turnCounts, data: turnData });
      runs.turns = decodeTurns(detail.turns);
      decodeTools(detail.tools, runs.runs, body.runs.strings);
      if (runs.turns.length !== runs.runs.length || lines!.length !== runs.runs.length) return undefined;
      // Pushed to when appended lines are scanned: a plain array again.
      runs.lines = Array.from(lines!);
    } else {
      runs.turns = new Array<undefined>(runs.runs.length);
      runs.lines = new Array<number>(runs.runs.length).fill(0);
    }
    runs.started = Array.from(runs.started);
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
  const tools = encodeTools(runs.runs, compact.strings);
  const turns = encodeTurns(runs.turns);
  const bodyColumns = [
    compact.interned,
    compact.objs,
    compact.nums,
    compact.counts,
    compact.models,
    compact.unknown,
  ];
  const detailColumns = [runs.lines, tools.counts, tools.data, turns.counts, turns.data];
  const empty = { interned: [], objs: [], nums: [], counts: [], models: [], unknown: [] };
  const body = packSection(
    {
      runs: { ...compact, ...empty },
      pre: [...runs.pre],
      damaged: runs.damaged.map((d) => [d.line, d.pre ?? null]),
    },
    [...bodyColumns, runs.started],
  );
  const detail = packSection(
    { tools: { ...tools, counts: [], data: [] }, turns: { ...turns, counts: [], data: [] } },
    detailColumns,
  );
  const header: CacheHeader = {
    ...headerFor(fd, file, ino, offset, runs.lineCount),
    sections: [body, detail].map((x) => ({ json: x.json, columns: x.columns, crc: crc(x.bytes) })),
  };
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
    fs.writeFileSync(
      tmp,
      Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), body.bytes, detail.bytes]),
    );
    // Readers see the old cache or the new one, never half of one.
    fs.renameSync(tmp, cacheFile);
  } catch {
    fs.rmSync(tmp, { force: true });
  }
}
