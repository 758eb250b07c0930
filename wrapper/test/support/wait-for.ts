// Polls a condition until it holds or a deadline passes; the error names what was awaited and
// the last value seen, so a failing test says why.
export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  what?: string;
  /** Checked each round: a message means waiting is pointless (the process died). */
  fatal?: () => string | undefined;
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const interval = options.intervalMs ?? 100;
  let last: unknown;
  for (;;) {
    const fatal = options.fatal?.();
    if (fatal) throw new Error(`gave up waiting for ${options.what ?? 'a condition'}: ${fatal}`);
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (error) {
      last = error instanceof Error ? error.message : error;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `timed out waiting for ${options.what ?? 'a condition'} (last: ${JSON.stringify(last)})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** Fetch with a timeout, for polling local services. */
export async function fetchText(url: string, timeoutMs = 2000): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, text: await response.text() };
}

/**
 * Waits like waitFor but never throws: for a wait followed by expectations, which then fail with
 * the values that were there instead of a bare "timed out".
 */
export async function settle(
  probe: () => Promise<unknown> | unknown,
  options: WaitOptions = {},
): Promise<void> {
  await waitFor(async () => (await probe()) || undefined, options).catch(() => undefined);
}
