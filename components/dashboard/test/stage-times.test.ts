import { formatDuration, stageTimes, timeOfDay } from '../src/stage-times.ts';
import { job } from './fixtures.ts';

const now = new Date('2026-11-23T10:00:10.000Z');

describe('stageTimes', () => {
  test('stageTimes: for a done job, times each stage up to the next and the total up to done_at', () => {
    const done = job({
      status: 'done',
      fetching_at: '2026-11-23T10:00:00.500Z',
      processing_at: '2026-11-23T10:00:02.000Z',
      done_at: '2026-11-23T10:00:05.000Z',
    });
    expect(stageTimes(done, now)).toEqual({ queued: 500, fetching: 1500, processing: 3000, total: 5000 });
  });

  test('stageTimes: for a job still fetching, counts the running stage up to now and leaves later ones null', () => {
    const fetching = job({ status: 'fetching', fetching_at: '2026-11-23T10:00:04.000Z' });
    expect(stageTimes(fetching, now)).toEqual({
      queued: 4000,
      fetching: 6000,
      processing: null,
      total: 10_000,
    });
  });

  test('stageTimes: for a job that failed while fetching, ends the fetch at failed_at', () => {
    const failed = job({
      status: 'failed',
      fetching_at: '2026-11-23T10:00:01.000Z',
      failed_at: '2026-11-23T10:00:03.000Z',
    });
    expect(stageTimes(failed, now)).toEqual({ queued: 1000, fetching: 2000, processing: null, total: 3000 });
  });
});

describe('formatDuration', () => {
  test.each([
    [420, '420 ms'],
    [4200, '4.2 s'],
    [192_000, '3 min 12 s'],
    [7_500_000, '2 h 5 min'],
  ])('formatDuration: %d ms reads as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('timeOfDay', () => {
  test('timeOfDay: takes HH:MM:SS from an ISO instant', () => {
    expect(timeOfDay('2026-11-23T10:04:05.123Z')).toBe('10:04:05');
  });
});
