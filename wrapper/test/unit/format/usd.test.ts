// The dollar formatters, all from their one home (format/usd.ts).
import { describe, expect, it } from 'vitest';
import { formatUsd, formatUsdCents, formatUsdCompact } from '../../../src/format/usd.js';
import * as formatValues from '../../../src/report/format-values.js';

describe('dollar formatters', () => {
  it.each([
    [0, '$0.0000', '$0.00', '$0.00'],
    [0.0012345, '$0.0012', '$0.00', '<$0.01'],
    [0.0049, '$0.0049', '$0.00', '<$0.01'],
    [0.005, '$0.0050', '$0.01', '$0.01'],
    [0.0107715, '$0.0108', '$0.01', '$0.01'],
    [12.345, '$12.3450', '$12.35', '$12.35'],
  ])('%d → %s, %s, %s', (usd, precise, cents, compact) => {
    expect([formatUsd(usd), formatUsdCents(usd), formatUsdCompact(usd)]).toEqual([precise, cents, compact]);
  });

  it('report/format-values re-exports them (old imports keep working)', () => {
    expect(formatValues.formatUsd).toBe(formatUsd);
  });
});
