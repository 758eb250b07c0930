// Bucket boundaries (milliseconds) of `openai_request_duration_ms`, shared by the OTel export and
// `claude-otel serve` so both paths give the same histogram: runs last from seconds to half an hour.
export const DURATION_BUCKETS_MS = [
  100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 120000, 300000, 600000, 1800000,
] as const;
