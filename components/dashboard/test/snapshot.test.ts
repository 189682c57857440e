import type { QueueStats } from '@mousetrap/job_queue';
import type { SnapshotSources } from '../src/snapshot.ts';
import { ACTIVITY_MINUTES, RECENT_JOBS, readSnapshot } from '../src/snapshot.ts';
import { job, QUEUES, RESULT } from './fixtures.ts';

// The store and broker here are in-memory stand-ins: what is under test is how the snapshot
// combines their answers, including a broker that fails, which the real one cannot do on cue.
function sources(stats: () => Promise<QueueStats[]>): SnapshotSources & { asked: unknown[] } {
  const asked: unknown[] = [];
  return {
    asked,
    store: {
      recentJobs: async (limit) => {
        asked.push(['recentJobs', limit]);
        return [job()];
      },
      activityByMinute: async (minutes) => {
        asked.push(['activityByMinute', minutes]);
        return [];
      },
      latestResult: async () => RESULT,
      unfinishedSummary: async (stalledForMs) => {
        asked.push(['unfinishedSummary', stalledForMs]);
        return UNFINISHED;
      },
    },
    queue: { stats },
    stageTimeoutMs: 60_000,
  };
}

const UNFINISHED = { unfinished: 2, oldestCreatedAt: '2026-11-23T09:59:00.000Z', stalled: 1 };

describe('readSnapshot', () => {
  const now = new Date('2026-11-23T10:00:00.000Z');

  test('readSnapshot: reads the recent jobs, the activity window, the latest result, the unfinished jobs and the queues', async () => {
    const from = sources(async () => QUEUES);
    const snapshot = await readSnapshot(from, () => now);
    expect(snapshot).toEqual({
      now,
      jobs: [job()],
      activity: [],
      latest: RESULT,
      queues: QUEUES,
      unfinished: UNFINISHED,
      stageTimeoutMs: 60_000,
    });
    expect(from.asked).toEqual([
      ['recentJobs', RECENT_JOBS],
      ['activityByMinute', ACTIVITY_MINUTES],
      ['unfinishedSummary', 60_000],
    ]);
  });

  test('readSnapshot: when the broker does not answer, leaves the queues undefined and keeps the rest', async () => {
    const snapshot = await readSnapshot(
      sources(() => Promise.reject(new Error('closed'))),
      () => now,
    );
    expect(snapshot.queues).toBeUndefined();
    expect(snapshot.latest).toBe(RESULT);
  });
});
