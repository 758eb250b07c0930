// Times shown to people are local dates and clock times without milliseconds; the window reads as
// one day, a span of days, or date and time where a bound falls inside a day. (Tests run with
// TZ=UTC; e2e/local-times.test.ts runs the CLI in another zone.)
import { describe, expect, it } from 'vitest';
import { localClock, localDate, localDateTime } from '../../../src/report/local-time.js';
import { describeWindow, resolveWindow } from '../../../src/report/window.js';

const now = new Date('2026-11-26T15:04:05.678Z');

describe('local times', () => {
  it('formats an instant as people write it', () => {
    expect(localDate(now)).toBe('2026-11-26');
    expect(localClock(now)).toBe('15:04:05');
    expect(localDateTime(now)).toBe('2026-11-26 15:04:05');
  });

  it.each([
    [{}, '2026-11-26'],
    [{ since: 'yesterday', until: 'yesterday' }, '2026-11-25'],
    [{ since: '2026-11-01', until: '2026-11-30' }, '2026-11-01 → 2026-11-30'],
    [{ since: '2026-11-20' }, '2026-11-20 → 2026-11-26'],
    [{ since: '24h' }, '2026-11-25 15:04:05 → 2026-11-26'],
    [
      { since: '2026-11-26T09:00:00Z', until: '2026-11-26T17:30:00Z' },
      '2026-11-26 09:00:00 → 2026-11-26 17:30:00',
    ],
  ])('the window %o reads %s', (flags, text) => {
    expect(describeWindow(resolveWindow(flags, now))).toBe(text);
  });
});
