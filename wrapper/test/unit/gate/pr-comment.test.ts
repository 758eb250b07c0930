// The PR comment's data and body, pure: runs are added once however often a gate runs, the total
// survives folding, the median ignores this PR and repeats, and nothing can close the marker early.
import { describe, expect, it } from 'vitest';
import { decideGate } from '../../../src/gate/decide.js';
import {
  COMMENT_MARKER,
  MAX_KEPT_RUNS,
  mergePrData,
  type PrData,
  parsePrData,
  prTotal,
  recentPrMedian,
  renderPrComment,
} from '../../../src/gate/pr-comment.js';
import { parseScope } from '../../../src/gate/scope.js';
import { generateRuns } from '../../fixtures/ledger/generate-ledger.js';

const runs = generateRuns(60);
const scope = parseScope('ci-run', { GITHUB_RUN_ID: '9000', GITHUB_RUN_ATTEMPT: '1' });
const result = decideGate(runs, scope, { maxUsd: 1 });
const ciRuns = runs.filter((r) => r.ci?.run_id === '9000' && r.ci.run_attempt === '1');
// The stored costs summed as they are (the PR total is machine-readable: no rounding).
const cost = ciRuns.reduce((s, r) => s + r.cost_usd, 0);
const tokens = ciRuns.reduce((s, r) => s + Object.values(r.models).reduce((a, m) => a + m.total, 0), 0);

const data = (pr: number, usd: number): PrData => ({
  v: 1,
  pr,
  runs: { [`r${pr}`]: [usd, 10] },
  earlier: { runs: 0, cost_usd: 0, tokens: 0 },
});

describe('PR comment data', () => {
  it('adds this run once: merging the same gate again does not count it twice', () => {
    expect(ciRuns.length).toBeGreaterThan(1);
    const first = mergePrData(undefined, 7, result);
    expect(prTotal(first)).toEqual({ runs: ciRuns.length, cost_usd: cost, tokens });
    const again = mergePrData(first, 7, result);
    expect(prTotal(again)).toEqual(prTotal(first));
    const withEarlier = mergePrData(data(7, 0.5), 7, result);
    expect(prTotal(withEarlier)).toEqual({
      runs: ciRuns.length + 1,
      cost_usd: 0.5 + cost,
      tokens: tokens + 10,
    });
    // Another PR's data is never carried over.
    expect(prTotal(mergePrData(data(8, 0.5), 7, result)).runs).toBe(ciRuns.length);
  });

  it('folds the oldest runs past the limit without changing the total', () => {
    let d: PrData = { v: 1, pr: 3, runs: {}, earlier: { runs: 0, cost_usd: 0, tokens: 0 } };
    for (let i = 0; i < MAX_KEPT_RUNS + 25; i++) d.runs[`old-${i}`] = [0.001, 3];
    d = mergePrData(d, 3, result);
    expect(Object.keys(d.runs)).toHaveLength(MAX_KEPT_RUNS);
    expect(d.earlier.runs).toBe(25 + ciRuns.length);
    const t = prTotal(d);
    expect(t.runs).toBe(MAX_KEPT_RUNS + 25 + ciRuns.length);
    expect(t.cost_usd).toBeCloseTo(0.001 * (MAX_KEPT_RUNS + 25) + cost, 6);
    expect(t.tokens).toBe(3 * (MAX_KEPT_RUNS + 25) + tokens);
  });

  it('round-trips through the comment body; other bodies and broken markers give nothing', () => {
    const d = mergePrData(undefined, 12, result);
    d.runs['evil --> <script>'] = [0.25, 1];
    const body = renderPrComment({ result, data: d, median: undefined, source: 'workflow run 1' });
    expect(body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(body.split('\n')[0]!.indexOf('-->')).toBe(body.split('\n')[0]!.length - 3);
    expect(parsePrData(body)).toEqual(d);
    expect(parsePrData('just a comment')).toBeUndefined();
    expect(parsePrData(`${COMMENT_MARKER}{"v":1,"pr":"x"} -->`)).toBeUndefined();
    expect(parsePrData(`${COMMENT_MARKER}{not json -->`)).toBeUndefined();
  });

  it('the median is over the most recent other PRs, each once', () => {
    const newestFirst = [data(5, 3), data(7, 100), data(4, 1), data(5, 999), data(3, 2)];
    expect(recentPrMedian(newestFirst, 7)).toEqual({ median: 2, prs: 3 });
    expect(recentPrMedian([data(4, 1), data(3, 2)], 7)).toEqual({ median: 1.5, prs: 2 });
    expect(recentPrMedian(newestFirst, 7, 2)).toEqual({ median: 2, prs: 2 });
    expect(recentPrMedian([data(7, 1)], 7)).toBeUndefined();
  });

  it('the body shows this run, the PR total, the budget bar, the median and the breakdowns', () => {
    const d = mergePrData(data(9, 0.5), 9, result);
    const body = renderPrComment({
      result,
      data: d,
      median: { median: 0.25, prs: 4 },
      source: 'workflow run 9000',
    });
    const pr = prTotal(d);
    expect(body).toContain(`### Claude Code cost of this pull request: $${pr.cost_usd.toFixed(4)}`);
    expect(body).toContain(
      `| this run | $${result.totals.cost_usd.toFixed(4)} | ${tokens.toLocaleString('en-US')} | ${ciRuns.length} |`,
    );
    expect(body).toContain(`| this pull request, all runs | $${pr.cost_usd.toFixed(4)} |`);
    expect(body).toContain(
      `| median of 4 recent pull request(s) | $0.2500 (${(pr.cost_usd / 0.25).toFixed(2)}x) | | |`,
    );
    expect(body).toMatch(/Budget \(\$1\.0000\): `█*░*` \d+\.\d%/);
    expect(body).toContain('pie showData title Cost by model (USD)');
    expect(body).toContain('| agent | runs |');
  });
});
