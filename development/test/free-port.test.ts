import { freePort } from '../faults/ports.ts';

test('a port handed out is not handed out again, although nothing listens on it yet', async () => {
  // The same candidate three times, then any.
  const candidates = [0.5, 0.5, 0.5];
  const random = () => candidates.shift() ?? Math.random();
  const first = await freePort(random);
  const second = await freePort(random);
  expect(second).not.toBe(first);
});
