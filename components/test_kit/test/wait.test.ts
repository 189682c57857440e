import { uniqueName } from '../src/names.ts';
import { waitFor } from '../src/wait.ts';

describe('waitFor', () => {
  test('returns the first value the check yields', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls === 3 ? 'ready' : undefined), {
      what: 'three calls',
      intervalMs: 1,
    });
    expect(value).toBe('ready');
    expect(calls).toBe(3);
  });

  test('when the check never yields, throws naming what it waited for', async () => {
    await expect(waitFor(() => false, { what: 'the moon', timeoutMs: 20, intervalMs: 5 })).rejects.toThrow(
      'timed out waiting for the moon',
    );
  });
});

describe('uniqueName', () => {
  test('makes distinct names that are valid unquoted SQL identifiers', () => {
    const names = new Set(Array.from({ length: 100 }, () => uniqueName('t')));
    expect(names.size).toBe(100);
    for (const name of names) expect(name).toMatch(/^t_([a-z0-9]+_)?[a-z0-9]+_[a-f0-9]{6}$/);
  });

  test("carries the test run's id when there is one", () => {
    const run = process.env.MOUSETRAP_TEST_RUN;
    process.env.MOUSETRAP_TEST_RUN = 'r0a1b2c';
    try {
      expect(uniqueName('jq')).toMatch(/^jq_r0a1b2c_[a-z0-9]+_[a-f0-9]{6}$/);
    } finally {
      if (run === undefined) delete process.env.MOUSETRAP_TEST_RUN;
      else process.env.MOUSETRAP_TEST_RUN = run;
    }
  });
});
