// Bucket boundaries (milliseconds) of `openai_request_duration_ms`, shared by the OTLP export and
// `claude-otel serve` so that both produce the same series. A Claude Code run lasts seconds to hours.
export const DURATION_BUCKETS_MS = [
  100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 120000, 300000, 600000, 1800000,
] as const;
