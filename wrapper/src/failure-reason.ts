// Why a request failed, in the words of the innermost cause: "connect ECONNREFUSED 127.0.0.1:9090"
// or "timed out", not undici's "fetch failed" or http2's "the pending stream has been canceled".

export function failureReason(error: unknown): string {
  let e: unknown = error;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  if (e instanceof Error && e.name === 'TimeoutError') return 'timed out';
  if (e instanceof Error) {
    // Several addresses tried at once (localhost as ::1 and 127.0.0.1): the first one's reason.
    const first = e instanceof AggregateError ? (e.errors[0] as unknown) : undefined;
    if (!e.message && first instanceof Error && first.message) return first.message;
    return e.message || String((e as { code?: unknown }).code ?? e.name);
  }
  return String(e);
}
