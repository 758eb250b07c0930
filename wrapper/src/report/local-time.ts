// How times are shown to people: in the process's time zone, to the second, as people write them
// (2026-11-26 14:05:09). JSON, CSV and log lines keep ISO 8601.

const pad = (n: number) => String(n).padStart(2, '0');

/** The local calendar day of an instant, as YYYY-MM-DD. */
export function localDate(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The local clock time of an instant, as HH:MM:SS. */
export function localClock(d: Date): string {
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Local date and clock time, as YYYY-MM-DD HH:MM:SS. */
export function localDateTime(d: Date): string {
  return `${localDate(d)} ${localClock(d)}`;
}
