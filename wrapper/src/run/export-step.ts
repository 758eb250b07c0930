// After runs are in the ledger: send whatever is pending to the collector, bounded in time.
// Placeholder until the export module lands: records stay pending for `claude-otel sync`.
import type { CliContext } from '../cli/context.js';

export async function exportAfterRuns(_ctx: CliContext): Promise<void> {}
