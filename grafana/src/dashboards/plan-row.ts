// The "Plan windows" row: Claude plan usage as the status line reported it (the
// claude_otel_plan_* gauges), the share of each window's time gone, and the time left to the limit
// at the current pace.
import { seriesPanel, statPanel, UNITS } from '../common.js';
import type { Config } from '../config.js';

export function planRow(cfg: Config) {
  const m = cfg.metrics;
  const t = cfg.thresholds;
  const used = `max by (window) (${m.planUsed})`;
  const steps = [
    { value: t.planWarnPercent, color: 'orange' },
    { value: t.planCriticalPercent, color: 'red' },
  ];
  const pace = (window: keyof Config['planWindowSeconds']) => {
    const length = cfg.planWindowSeconds[window];
    return `clamp(100 * (1 - (max(${m.planResetsAt}{window="${window}"}) - time()) / ${length}), 0, 100)`;
  };
  return {
    title: 'Plan windows',
    panels: [
      seriesPanel({
        title: 'Plan window used',
        description: `How much of each Claude plan window (five_hour, seven_day) is used, 0-100%, as Claude Code's status line reported it (Pro/Max subscribers; run \`claude-otel setup --statusline\`). Sent with the next export or \`claude-otel sync\`. Orange at ${t.planWarnPercent}%, red at ${t.planCriticalPercent}% (the alerts' thresholds).`,
        unit: UNITS.percent,
        width: 12,
        min: 0,
        max: 100,
        thresholds: steps,
        queries: [{ expr: used, legend: '{{window}}' }],
      }),
      statPanel({
        title: 'Plan window time gone (pace)',
        description:
          "Share of each window's time already gone, from its reset time. Used % below this means usage is behind the window's pace; above it, the limit comes before the reset.",
        unit: UNITS.percent,
        width: 6,
        decimals: 0,
        queries: [
          { expr: pace('five_hour'), legend: 'five_hour' },
          { expr: pace('seven_day'), legend: 'seven_day' },
        ],
      }),
      statPanel({
        title: 'Projected time to the limit',
        description:
          "At the last hour's pace of each window's used %, the time until it reaches 100%. Empty when usage is not growing (or the window just reset).",
        unit: UNITS.seconds,
        width: 6,
        queries: [
          {
            expr: `(100 - ${used}) / (max by (window) (deriv(${m.planUsed}[1h])) > 0)`,
            legend: '{{window}}',
          },
        ],
      }),
    ],
  };
}
