import { createAdmission } from '../src/admission.ts';
import { createInFlight } from '../src/in-flight.ts';

/** A handler the test finishes by hand, noting when it started. */
function handler(started: string[], name: string) {
  let finish = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    handle: async () => {
      started.push(name);
      await done;
    },
    finish,
  };
}

describe('createAdmission', () => {
  test('createAdmission: with 2 places, a third handler waits for a place, and one whose channel closed meanwhile is skipped', async () => {
    const admission = createAdmission(2, createInFlight());
    const started: string[] = [];
    const a = handler(started, 'a');
    const b = handler(started, 'b');
    const c = handler(started, 'c');
    const d = handler(started, 'd');
    let cOpen = true;

    admission.admit(() => true, a.handle);
    admission.admit(() => true, b.handle);
    admission.admit(() => cOpen, c.handle);
    admission.admit(() => true, d.handle);

    expect(started).toEqual(['a', 'b']);
    expect(admission.size).toBe(4);
    cOpen = false;
    a.finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(['a', 'b', 'd']);
    expect(admission.size).toBe(2);
    b.finish();
    d.finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(admission.size).toBe(0);
  });
});
