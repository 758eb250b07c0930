// Compares Prometheus totals with ledger sums: waits until the scraped total tokens match, then
// returns both sides of every contract series so a test asserts exact equality.
import type { RunRecord } from '../../src/ledger/schema.js';
import { ledgerSums } from './collector-fixtures.js';
import type { TestPrometheus } from './prometheus.js';
import { settle } from './wait-for.js';

export interface TotalsComparison {
  prometheus: { tokens: Record<string, number>; costCents: number; runs: number; durationMs: number };
  ledger: { tokens: Record<string, number>; costCents: number; runs: number; durationMs: number };
}

export async function compareTotals(
  prom: TestPrometheus,
  selector: string,
  records: RunRecord[],
  timeoutMs = 20_000,
): Promise<TotalsComparison> {
  const ledger = ledgerSums(records);
  const expectedTotal = Object.entries(ledger.tokens)
    .filter(([k]) => k.endsWith('/total'))
    .reduce((s, [, v]) => s + v, 0);
  const runs = async () => prom.scalar(`sum(openai_request_duration_ms_count{${selector}})`);
  // Both a token total and the run count must have arrived (they are separate streams).
  await settle(
    async () =>
      (await prom.scalar(`sum(openai_tokens_total{${selector},token_type="total"})`)) === expectedTotal &&
      (await runs()) === ledger.runs,
    { timeoutMs, intervalMs: 250 },
  );
  const tokens: Record<string, number> = {};
  for (const s of await prom.query(`sum by (model, token_type) (openai_tokens_total{${selector}})`)) {
    tokens[`${s.labels.model}/${s.labels.token_type}`] = s.value;
  }
  return {
    prometheus: {
      tokens,
      costCents: await prom.scalar(`sum(openai_token_cost_total{${selector}})`),
      runs: await runs(),
      durationMs: await prom.scalar(`sum(openai_request_duration_ms_sum{${selector}})`),
    },
    ledger,
  };
}
