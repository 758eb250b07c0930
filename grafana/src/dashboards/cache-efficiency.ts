// "Claude OTel / Cache efficiency": how much input comes from the prompt cache, what that saves,
// and the warning signs of a cache that keeps being rebuilt or stops being read.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { buildDashboard, seriesPanel, statPanel, UNITS, variables } from '../common.js';
import type { CachePrice, Config } from '../config.js';
import { inputTypes, selector, varsFor, windowIncrease } from '../promql.js';

export const CACHE_UID = 'claude-otel-cache';

/** Keeps generated price multipliers free of float noise such as 2.7000000000000002e-6. */
function num(x: number): string {
  return String(Number(x.toPrecision(10)));
}

/**
 * Net USD saved by caching over `range`: a read costs the cache-read price instead of the input
 * price, a write costs the 5-minute cache-write price instead of it. Priced per model from
 * `cachePrices` (the wrapper's price table); models matching no entry count as zero.
 */
export function cacheSavingsExpr(cfg: Config, range: string): string {
  const vars = varsFor(cfg, cfg.metrics.tokens);
  const part = (tokenType: string, perMTok: (p: CachePrice) => number) =>
    cfg.cachePrices
      .map((p) => {
        const sel = selector(
          cfg.metrics.tokens,
          [`token_type="${tokenType}"`, `model=~"${p.modelRegex}"`],
          vars,
        );
        return `sum by (model) (${windowIncrease(sel, range, cfg.promql)}) * ${num(perMTok(p) / 1e6)}`;
      })
      .join(' or ');
  const saved = part('cache_read', (p) => p.inputUsdPerMTok - p.cacheReadUsdPerMTok);
  const extra = part('cache_creation', (p) => p.cacheWriteUsdPerMTok - p.inputUsdPerMTok);
  return `(sum(${saved}) or vector(0)) - (sum(${extra}) or vector(0))`;
}

export function cacheDashboard(cfg: Config): dashboard.Dashboard {
  const m = cfg.metrics;
  const t = cfg.thresholds;
  const tok = (extra: string[]) => selector(m.tokens, extra, varsFor(cfg, m.tokens));
  const read = tok(['token_type="cache_read"']);
  const write = tok(['token_type="cache_creation"']);
  const prompt = tok(['token_type="prompt"']);
  const input = tok([inputTypes(cfg)]);
  const inc = (sel: string, by = '') => `sum${by}(${windowIncrease(sel, '$__range', cfg.promql)})`;
  const rate = (sel: string, by = '', offset = '') =>
    `sum${by}(rate(${sel}[$__rate_interval]${offset ? ` offset ${offset}` : ''}))`;
  const hitSteps = [
    { value: 0.5, color: 'orange' },
    { value: 0.8, color: 'green' },
  ];

  const summary = [
    statPanel({
      title: 'Cache hit ratio',
      description:
        'cache_read tokens over all input tokens (prompt + cache_read + cache_creation) in the time range. Healthy Claude Code sessions read most of their context from the cache: green from 80%, red under 50%.',
      unit: UNITS.ratio,
      width: 6,
      decimals: 1,
      baseColor: 'red',
      thresholds: hitSteps,
      queries: [{ expr: `${inc(read)} / ${inc(input)}`, legend: 'hit ratio' }],
    }),
    statPanel({
      title: 'Saved by caching',
      description: `Money the cache saved versus sending the same tokens uncached: each cache read at the model's cache-read price instead of its input price, minus the premium of each cache write (5-minute writes) over the input price, per model from claude-otel's price table (the one it prices runs with). Models not in that table count as zero. Negative means writes cost more than reads saved.`,
      unit: UNITS.usd,
      width: 6,
      decimals: 2,
      baseColor: 'red',
      thresholds: [{ value: 0, color: 'green' }],
      queries: [{ expr: cacheSavingsExpr(cfg, '$__range'), legend: 'saved' }],
    }),
    statPanel({
      title: 'Cache write share of input',
      description: `cache_creation tokens over all input tokens in the time range. Each session writes its prompt once and then reads it; a share near or above ${t.cacheCreationShare * 100}% means the cache is rebuilt instead of reused (ClaudeOtelCacheCreationHigh).`,
      unit: UNITS.ratio,
      width: 6,
      decimals: 1,
      thresholds: [
        { value: t.cacheCreationShare / 2, color: 'orange' },
        { value: t.cacheCreationShare, color: 'red' },
      ],
      queries: [{ expr: `${inc(write)} / ${inc(input)}`, legend: 'write share' }],
    }),
    statPanel({
      title: 'Reads per written token',
      description:
        'cache_read tokens per cache_creation token in the time range. Every written token should be read many times (10 or more is healthy); near 1 means prefixes change between requests or the cache expires before reuse.',
      unit: UNITS.count,
      width: 6,
      decimals: 1,
      baseColor: 'red',
      thresholds: [
        { value: 3, color: 'orange' },
        { value: 10, color: 'green' },
      ],
      queries: [{ expr: `${inc(read)} / ${inc(write)}`, legend: 'reads per write' }],
    }),
  ];

  const trends = [
    seriesPanel({
      title: 'Cache hit ratio by model',
      description:
        'Share of input read from the cache, per model, over time. Healthy: high and steady. A drop that lasts means prompts changed (new system prompt, tools, CLAUDE.md) or sessions got shorter.',
      unit: UNITS.ratio,
      width: 12,
      height: 8,
      min: 0,
      max: 1,
      queries: [
        { expr: `${rate(read, ' by (model) ')} / ${rate(input, ' by (model) ')}`, legend: '{{model}}' },
      ],
    }),
    seriesPanel({
      title: 'Cache writes and reads over time',
      description:
        'cache_creation and cache_read tokens per minute. Healthy: a write at the start of each session, then mostly reads. Writes that track reads one for one show a cache rebuilt on every request.',
      unit: UNITS.tokensPerMin,
      width: 12,
      height: 8,
      queries: [
        { expr: `${rate(write)} * 60`, legend: 'cache_creation' },
        { expr: `${rate(read)} * 60`, legend: 'cache_read' },
      ],
    }),
  ];

  const warnings = [
    seriesPanel({
      title: 'Cache write share over time',
      description: `cache_creation share of input tokens over time, with the alert threshold (${t.cacheCreationShare * 100}%) dashed. Short peaks at session starts are normal; staying above the line for hours (${t.cacheCreationFor}) fires ClaudeOtelCacheCreationHigh.`,
      unit: UNITS.ratio,
      width: 12,
      height: 8,
      min: 0,
      max: 1,
      thresholds: [{ value: t.cacheCreationShare, color: 'red' }],
      queries: [{ expr: `${rate(write)} / ${rate(input)}`, legend: 'write share' }],
    }),
    seriesPanel({
      title: 'Uncached input tokens (spikes)',
      description:
        'Uncached prompt tokens per minute by model. Spikes are large inputs sent without caching (huge files pasted, a cache that expired after an idle break, or a changed prefix); they cost full input price.',
      unit: UNITS.tokensPerMin,
      width: 12,
      height: 8,
      queries: [{ expr: `${rate(prompt, ' by (model) ')} * 60`, legend: '{{model}}' }],
    }),
    seriesPanel({
      title: 'Cache reads versus a day earlier',
      description: `Cache hit ratio now divided by the ratio at the same time a day earlier. Around 1 is steady; below ${t.cacheReadDropFactor} (dashed) the cache is being read much less than usual (ClaudeOtelCacheReadsFalling compares the last hour with the previous day).`,
      unit: UNITS.ratio,
      width: 12,
      height: 8,
      baseColor: 'red',
      thresholds: [{ value: t.cacheReadDropFactor, color: 'green' }],
      queries: [
        {
          expr: `(${rate(read)} / ${rate(input)}) / (${rate(read, '', '1d')} / ${rate(input, '', '1d')})`,
          legend: 'now / day before',
        },
      ],
    }),
    seriesPanel({
      title: 'Saved by caching over time',
      description:
        'Net money saved by caching per hour (reads saved minus the write premium), priced as in "Saved by caching". Falling savings at steady traffic mean cache reads are dropping.',
      unit: UNITS.usdPerHour,
      width: 12,
      height: 8,
      queries: [{ expr: cacheSavingsExpr(cfg, '1h'), legend: 'USD saved per hour' }],
    }),
  ];

  return buildDashboard({
    uid: CACHE_UID,
    title: 'Claude OTel / Cache efficiency',
    description:
      'Prompt-cache hit ratio, savings, and the healthy patterns and warning signs of prompt caching.',
    variables: variables(cfg.datasources.prometheusUid, m.tokens, ['model', 'agent', 'operation']),
    timeFrom: 'now-24h',
    rows: [
      { title: 'Summary', panels: summary },
      { title: 'Healthy pattern: one write, many reads', panels: trends },
      { title: 'Warning signs', panels: warnings },
    ],
  });
}
