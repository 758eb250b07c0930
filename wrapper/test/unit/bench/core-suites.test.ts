// `npm run bench -- <section>` builds the 200 MB stream only when a section that reads it runs.
import { describe, expect, it } from 'vitest';
import { makeLargeStream } from '../../../bench/core-bench.js';
import { coreSuites, LARGE_STREAM_BYTES } from '../../../bench/core-suites.js';

describe('bench core suites', () => {
  it('build the large stream when parse first runs, once, and not before', async () => {
    const asked: number[] = [];
    const suites = coreSuites((bytes) => {
      asked.push(bytes);
      return makeLargeStream(200_000); // a small stand-in of the same shape
    });
    expect(suites.map((s) => s.name)).toEqual(['wall time', 'parse', 'rss']);
    expect(asked).toEqual([]); // picking the sections builds nothing (`bench -- process`)
    const parse = await suites.find((s) => s.name === 'parse')!.run();
    expect(parse[0]!.name).toMatch(/^stream parse throughput/);
    await suites.find((s) => s.name === 'parse')!.run();
    expect(asked).toEqual([LARGE_STREAM_BYTES]);
  });
});
