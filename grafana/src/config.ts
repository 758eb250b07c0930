// Every selector, threshold and window used by the dashboards, the Prometheus rules and the
// Grafana-managed alerts lives here, so one change (or one override file) moves all of them.
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { PROMETHEUS_SERIES } from '../../wrapper/src/export/metric-points.js';
import { BUILTIN_PRICE_TABLE } from '../../wrapper/src/pricing/price-table-data.js';
import type { PromqlFlavour } from '../../wrapper/src/report/promql.js';
import { type CachePrice, cachePricesFrom } from './cache-prices.js';

export type { CachePrice } from './cache-prices.js';

export const defaultConfig = {
  /**
   * How dashboard panels spell an exact window total: `anchored` for Prometheus 3; the team
   * tier's Grafana reads Thanos query and gets the `xincrease` flavour (grafana/dashboards-thanos).
   * Rules always run on Prometheus (the scraper) and keep `anchored`.
   */
  promql: 'anchored' as PromqlFlavour,
  /** Fixed uids so dashboards, alerts and provisioning refer to the same datasources. */
  datasources: {
    prometheusUid: 'claude-otel-prometheus',
    prometheusServeUid: 'claude-otel-prometheus-serve',
    tempoUid: 'claude-otel-tempo',
  },
  metrics: {
    // The contract's names come from the wrapper's metric contract (one home).
    tokens: PROMETHEUS_SERIES.tokens.name,
    cost: PROMETHEUS_SERIES.cost.name,
    duration: PROMETHEUS_SERIES.duration.name,
    ccCost: 'claude_code_cost_usage_USD_total',
    ccTokens: 'claude_code_token_usage_tokens_total',
    ccSessions: 'claude_code_session_count_total',
    ccLines: 'claude_code_lines_of_code_count_total',
    ccCommits: 'claude_code_commit_count_total',
    ccPullRequests: 'claude_code_pull_request_count_total',
    ccActiveTime: 'claude_code_active_time_seconds_total',
    /** Plan windows as the status line saw them (gauges, label `window`: five_hour | seven_day). */
    planUsed: 'claude_otel_plan_used_percent',
    planResetsAt: 'claude_otel_plan_resets_at_seconds',
  },
  /** Length of each plan window in seconds, by its `window` label. */
  planWindowSeconds: { five_hour: 5 * 3600, seven_day: 7 * 86400 },
  /** `openai_token_cost_total` counts US cents; dashboards and alerts speak dollars. */
  centsPerUsd: 100,
  /** Input-side token types: prompt is uncached input; the sum is everything the model read. */
  inputTokenTypes: ['prompt', 'cache_read', 'cache_creation'],
  /**
   * Read and 5-minute write prices relative to uncached input (public Anthropic pricing): used only
   * for override entries that give an input price alone.
   */
  cacheReadPriceFactor: 0.1,
  cacheWritePriceFactor: 1.25,
  /** The "saved by caching" prices: the wrapper's built-in price table, never a second list. */
  cachePrices: cachePricesFrom(BUILTIN_PRICE_TABLE) as CachePrice[],
  thresholds: {
    /** All token types together (`token_type="total"`), over the last hour. */
    hourlyTokens: 10_000_000,
    /** Spend over the last 24 hours, in USD. */
    dailyBudgetUsd: 50,
    /** Spend a 30-day month would reach at the pace of the burn-rate window, in USD. */
    monthlyBudgetUsd: 500,
    burnRateWindow: '6h',
    /** Share of runs ending in `status="error"` over the last hour, once at least `errorMinRuns` ran. */
    errorRatio: 0.2,
    errorMinRuns: 5,
    /** p95 of a run's wall time over the last hour, in milliseconds. */
    p95DurationMs: 900_000,
    /** Share of input tokens spent writing the cache, sustained for `cacheCreationFor`. */
    cacheCreationShare: 0.5,
    cacheCreationFor: '3h',
    /** The last hour's cache hit ratio divided by the previous day's; below this it is falling. */
    cacheReadDropFactor: 0.5,
    /** A plan window's used percentage (0-100) above which to warn, and to page. */
    planWarnPercent: 80,
    planCriticalPercent: 95,
    /**
     * Spend budgets per team and per user (the `team` and `user` labels of team mode), in USD:
     * each window's exact total (`increase(cost[window] anchored)`) against a warning and a
     * critical level. `overrides` gives named teams or users their own levels.
     */
    teamBudgets: {
      team: {
        daily: { warning: 40, critical: 50 },
        monthly: { warning: 800, critical: 1000 },
        overrides: {} as Record<string, BudgetOverride>,
      },
      user: {
        daily: { warning: 15, critical: 20 },
        monthly: { warning: 300, critical: 400 },
        overrides: {} as Record<string, BudgetOverride>,
      },
      /** The rolling windows: "daily" is the last 24 hours, "monthly" the last 30 days. */
      dailyWindow: '1d',
      monthlyWindow: '30d',
      /** How long a budget must stay exceeded before its alert fires. */
      for: '1m',
    },
  },
  /**
   * Alertmanager (alertmanager/alertmanager.yml): how alerts are grouped and repeated, and the
   * files holding each receiver's webhook URL (secrets stay out of the repo). Every receiver
   * posts Slack's incoming-webhook payload, which Slack, Mattermost, Rocket.Chat and most chat
   * webhooks accept.
   */
  alertmanager: {
    groupWait: '30s',
    groupInterval: '5m',
    repeatInterval: '4h',
    /** Team alerts by severity, and alerts without a team. */
    urlFiles: {
      critical: '/etc/alertmanager/secrets/critical-webhook-url',
      warning: '/etc/alertmanager/secrets/warning-webhook-url',
      default: '/etc/alertmanager/secrets/default-webhook-url',
    },
    /** Teams with a receiver of their own (both severities): team → URL file. */
    teams: {} as Record<string, string>,
  },
  /** Where each alert's runbook section lives; `%s` becomes the lower-cased alert name. */
  runbookUrlPattern: 'docs/runbook.md#%s',
  /** Prometheus and Grafana rule evaluation interval. */
  evaluationInterval: '1m',
};

/** Warning and critical spend levels of one budget window, in USD. */
export interface BudgetLevels {
  warning: number;
  critical: number;
}
/** A named team's or user's own levels; a window left out keeps the default levels. */
export interface BudgetOverride {
  daily?: BudgetLevels;
  monthly?: BudgetLevels;
}

export type Config = typeof defaultConfig;
export type TeamBudgets = Thresholds['teamBudgets'];
export type Thresholds = Config['thresholds'];

/** A Prometheus duration longer than zero: `0h` parses, but promtool rejects the rule it makes. */
const duration = z
  .string()
  .regex(/^[0-9]+[smhdw]$/, 'a Prometheus duration such as 30m or 6h')
  .refine((v) => Number.parseInt(v, 10) > 0, 'a duration longer than zero, such as 30m or 6h');
const positive = z.number().positive();
/** A team or user name as written inside a PromQL or Alertmanager matcher. */
const labelValue = z.string().regex(/^[^"\\]+$/, 'a label value without quotes or backslashes');
const levels = z
  .object({ warning: positive, critical: positive })
  .strict()
  .refine((l) => l.warning <= l.critical, 'warning must not be above critical');
const budgetScope = z
  .object({
    daily: levels,
    monthly: levels,
    overrides: z.record(labelValue, z.object({ daily: levels, monthly: levels }).partial().strict()),
  })
  .partial()
  .strict();
const teamBudgets = z
  .object({
    team: budgetScope,
    user: budgetScope,
    dailyWindow: duration,
    monthlyWindow: duration,
    for: duration,
  })
  .partial()
  .strict();

/** The override file: thresholds, the runbook pattern and the cache price table, all optional. */
export const overrideSchema = z
  .object({
    thresholds: z
      .object({
        hourlyTokens: positive,
        dailyBudgetUsd: positive,
        monthlyBudgetUsd: positive,
        burnRateWindow: duration,
        errorRatio: z.number().gt(0).lte(1),
        errorMinRuns: z.number().int().nonnegative(),
        p95DurationMs: positive,
        cacheCreationShare: z.number().gt(0).lte(1),
        cacheCreationFor: duration,
        cacheReadDropFactor: z.number().gt(0).lt(1),
        planWarnPercent: z.number().gt(0).lte(100),
        planCriticalPercent: z.number().gt(0).lte(100),
        teamBudgets,
      })
      .partial()
      .strict(),
    runbookUrlPattern: z.string().includes('%s'),
    alertmanager: z
      .object({
        groupWait: duration,
        groupInterval: duration,
        repeatInterval: duration,
        urlFiles: z
          .object({ critical: z.string().min(1), warning: z.string().min(1), default: z.string().min(1) })
          .partial()
          .strict(),
        teams: z.record(labelValue, z.string().min(1)),
      })
      .partial()
      .strict(),
    cachePrices: z.array(
      z
        .object({
          modelRegex: z.string().min(1),
          inputUsdPerMTok: positive,
          cacheReadUsdPerMTok: z.number().nonnegative().optional(),
          cacheWriteUsdPerMTok: z.number().nonnegative().optional(),
        })
        .strict(),
    ),
  })
  .partial()
  .strict();

export type ConfigOverride = z.infer<typeof overrideSchema>;

/** Applies an override object (already parsed JSON) to the defaults; throws a TypeError naming the bad key. */
export function applyOverride(override: unknown, base: Config = defaultConfig): Config {
  const parsed = overrideSchema.safeParse(override);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(root)';
    throw new TypeError(`invalid threshold override at '${where}': ${issue?.message ?? 'invalid'}`);
  }
  const o = parsed.data;
  const tb = base.thresholds.teamBudgets;
  const otb = o.thresholds?.teamBudgets ?? {};
  return {
    ...base,
    thresholds: {
      ...base.thresholds,
      ...o.thresholds,
      // Merged a level deeper: overriding one team's budget keeps every other default.
      teamBudgets: {
        ...tb,
        ...otb,
        team: { ...tb.team, ...otb.team, overrides: { ...tb.team.overrides, ...otb.team?.overrides } },
        user: { ...tb.user, ...otb.user, overrides: { ...tb.user.overrides, ...otb.user?.overrides } },
      },
    },
    runbookUrlPattern: o.runbookUrlPattern ?? base.runbookUrlPattern,
    alertmanager: {
      ...base.alertmanager,
      ...o.alertmanager,
      urlFiles: { ...base.alertmanager.urlFiles, ...o.alertmanager?.urlFiles },
      teams: { ...base.alertmanager.teams, ...o.alertmanager?.teams },
    },
    cachePrices:
      o.cachePrices?.map((p) => ({
        modelRegex: p.modelRegex,
        inputUsdPerMTok: p.inputUsdPerMTok,
        cacheReadUsdPerMTok: p.cacheReadUsdPerMTok ?? p.inputUsdPerMTok * base.cacheReadPriceFactor,
        cacheWriteUsdPerMTok: p.cacheWriteUsdPerMTok ?? p.inputUsdPerMTok * base.cacheWritePriceFactor,
      })) ?? base.cachePrices,
  };
}

/** The env variable naming a JSON override file, for `npm run gen` without flags. */
export const OVERRIDE_ENV = 'CLAUDE_OTEL_THRESHOLDS';

/** Loads the config, applying the JSON file at `path` when one is given. */
export function loadConfig(path: string | undefined): Config {
  if (!path) return defaultConfig;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new TypeError(`cannot read threshold override file '${path}': ${(err as Error).message}`);
  }
  return applyOverride(raw);
}
