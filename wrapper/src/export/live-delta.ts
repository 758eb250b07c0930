// What a run's live export sends: the contract's token and cost points (runPoints) less what was
// already sent for the run, by series. Series are keyed without `status`, which a run only has at
// its end: live deltas go out under `success`, and the final delta under the run's own status
// makes each series' sum (over statuses) equal the ledger. Pure; no point is ever negative.
import type { Labels, Point, RunPoints } from './metric-points.js';

/** Cumulative values sent (or to be sent) for one run, by status-free series key. */
export type LiveFigures = Record<string, number>;

export type CounterPoints = Pick<RunPoints, 'tokens' | 'cost'>;

export function seriesKey(kind: 'tokens' | 'cost', labels: Labels): string {
  return [kind, labels.model ?? '', labels.token_type ?? '', labels.operation ?? '', labels.agent ?? ''].join(
    '\t',
  );
}

/** The part of each point above what was sent for its series; points with nothing above are left out. */
export function pointsAbove<P extends CounterPoints>(points: P, sent: LiveFigures): P {
  const above = (kind: 'tokens' | 'cost') => {
    const out: Point[] = [];
    for (const p of points[kind]) {
      const rest = p.value - (sent[seriesKey(kind, p.labels)] ?? 0);
      if (rest > 0) out.push({ labels: p.labels, value: rest });
    }
    return out;
  };
  return { ...points, tokens: above('tokens'), cost: above('cost') };
}

/**
 * One live step: the points that bring what was sent up to `current`, and the cumulative figures
 * once they are sent (the current values themselves, so an unchanged series never sends again).
 */
export function liveStep(
  current: CounterPoints,
  sent: LiveFigures,
): { delta: CounterPoints; target: LiveFigures } {
  const delta = pointsAbove({ tokens: current.tokens, cost: current.cost }, sent);
  const target = { ...sent };
  for (const kind of ['tokens', 'cost'] as const)
    for (const p of current[kind]) {
      const key = seriesKey(kind, p.labels);
      if (p.value > (sent[key] ?? 0)) target[key] = p.value;
    }
  return { delta, target };
}

/** Series whose figure sent live is above the final one: held back, reported, never taken back. */
export function overSent(points: CounterPoints, sent: LiveFigures): string[] {
  const final = new Map<string, number>();
  for (const kind of ['tokens', 'cost'] as const)
    for (const p of points[kind]) final.set(seriesKey(kind, p.labels), p.value);
  return Object.entries(sent)
    .filter(([key, value]) => value > (final.get(key) ?? 0) * (1 + 1e-12))
    .map(([key]) => key.split('\t').filter(Boolean).join('/'));
}
