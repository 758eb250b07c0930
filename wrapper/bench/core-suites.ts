// The core suites of `npm run bench` (wall time, parse, rss). The 200 MB stream that parse and rss
// read is built the first time one of them runs, once: a run of other sections
// (`npm run bench -- process`) does not pay for it.
import { benchParse, benchRss, benchWallTime, makeLargeStream } from './core-bench.js';
import type { BenchResult } from './result.js';

export type Suite = { name: string; run: () => Promise<BenchResult[]> };

export const LARGE_STREAM_BYTES = 200e6;

export function coreSuites(make: (bytes: number) => string = makeLargeStream): Suite[] {
  let stream: string | undefined;
  const largeStream = () => {
    stream ??= make(LARGE_STREAM_BYTES);
    return stream;
  };
  return [
    { name: 'wall time', run: () => benchWallTime() },
    { name: 'parse', run: async () => benchParse(largeStream()) },
    { name: 'rss', run: () => benchRss(largeStream()) },
  ];
}
