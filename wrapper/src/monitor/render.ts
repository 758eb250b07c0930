// How a monitor snapshot is shown: a full screen for a terminal (redrawn each refresh), or plain
// key=value lines for logs and pipes (dollar amounts unrounded, as --json gives them): one summary
// line per refresh, one line per running run, and one per finished run the first time it is seen.
import { formatInt, formatUsd, usdValue } from '../report/format-values.js';
import { localClock, localDateTime } from '../report/local-time.js';
import { runTokens, type Snapshot } from './snapshot.js';

const cell = (text: string, width: number) => text.padEnd(width).slice(0, width);

/** The columns both tables start with: time of day, operation, agent, model. */
const rowStart = (iso: string, operation: string, agent: string, model: string) =>
  `${localClock(new Date(iso))} ${cell(operation, 10)} ${cell(agent, 13)} ${cell(model, 22)}`;

function elapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s < 3600
    ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
    : `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`;
}

/** The terminal screen: local times (the plain lines keep ISO for logs). */
export function renderSnapshot(s: Snapshot, since: Date): string {
  const lines = [
    `claude-otel monitor  ${localDateTime(new Date(s.at))}  (since ${localDateTime(since)})`,
    `total ${formatUsd(s.totals.cost_usd)}  ${formatInt(s.totals.tokens.total)} tokens  ${formatInt(s.totals.runs)} runs  ` +
      `${formatInt(s.totals.errors)} errors`,
    `burn  ${formatUsd(s.burn.usd_per_hour)}/h  ${formatInt(s.burn.tokens_per_hour)} tokens/h (finished in the last 15 min)` +
      `  active: ${s.active.length === 0 ? '-' : s.active.join(', ')}`,
    '',
    `running (${s.running.length})`,
    'started   operation  agent         model                   elapsed  turns   tokens  est. cost',
  ];
  for (const r of s.running) {
    lines.push(
      [
        rowStart(r.started_at, r.operation, r.agent, r.model),
        elapsed(r.elapsed_ms).padStart(8),
        String(r.turns).padStart(7),
        formatInt(r.tokens).padStart(9),
        formatUsd(r.cost_usd_estimate).padStart(11),
      ].join(''),
    );
  }
  if (s.running.length === 0) lines.push('(nothing running)');
  lines.push(
    '',
    'finished',
    'ended     operation  agent         model                    tokens      cost  status',
  );
  for (const r of s.recent) {
    lines.push(
      [
        rowStart(r.ended_at, r.operation, r.agent, Object.keys(r.models)[0] ?? '-'),
        formatInt(runTokens(r)).padStart(9),
        formatUsd(r.cost_usd).padStart(10),
        ` ${r.status}`,
      ].join(''),
    );
  }
  if (s.recent.length === 0) lines.push('(no runs yet)');
  return `${lines.join('\n')}\n`;
}

/** One summary line (plus a line per running run). */
export function snapshotLine(s: Snapshot): string {
  const lines = [
    `${s.at} runs=${s.totals.runs} tokens=${s.totals.tokens.total} cost_usd=${usdValue(s.totals.cost_usd)} ` +
      `burn_usd_per_hour=${usdValue(s.burn.usd_per_hour)} active=${s.active.length} running=${s.running.length}`,
  ];
  for (const r of s.running) {
    lines.push(
      `${s.at} running run_id=${r.run_id} operation=${r.operation} agent=${r.agent} model=${r.model} ` +
        `elapsed_s=${(r.elapsed_ms / 1000).toFixed(1)} turns=${r.turns} tokens=${r.tokens} ` +
        `cost_usd_estimate=${usdValue(r.cost_usd_estimate)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Lines for finished runs not reported before (oldest first); adds them to `reported`. */
export function finishedLines(s: Snapshot, reported: Set<string>): string {
  const lines: string[] = [];
  for (const r of [...s.recent].reverse()) {
    if (reported.has(r.run_id)) continue;
    reported.add(r.run_id);
    lines.push(
      `${r.ended_at} finished run_id=${r.run_id} operation=${r.operation} agent=${r.agent} ` +
        `status=${r.status} duration_s=${(r.duration_ms / 1000).toFixed(1)} tokens=${runTokens(r)} ` +
        `cost_usd=${usdValue(r.cost_usd)}`,
    );
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
