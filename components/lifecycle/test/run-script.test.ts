import { runScript } from '../src/run-script.ts';
import { fakeProcess } from './fake-process.ts';

describe('runScript', () => {
  test('runScript: when main finishes, writes nothing and leaves the exit to the script', async () => {
    const fake = fakeProcess();
    let ran = false;
    await runScript({
      name: '05-dead-letters',
      main: async () => {
        ran = true;
      },
      process: fake.proc,
    });
    expect(ran).toBe(true);
    expect(fake.exits).toEqual([]);
    expect(fake.stderr()).toBe('');
  });

  test('runScript: when main throws, writes one line naming the script and the failure, and exits 1', async () => {
    const fake = fakeProcess();
    await runScript({
      name: '04-database-check',
      main: () => Promise.reject(new Error('database "nope" does not exist')),
      process: fake.proc,
    });
    expect(fake.exits).toEqual([1]);
    expect(fake.stderr()).toBe('04-database-check: database "nope" does not exist\n');
  });

  test('runScript: when main throws and an explain is given, the line is its account, with a password in a URL masked', async () => {
    const fake = fakeProcess();
    await runScript({
      name: '02-queue-round-trip',
      main: () => Promise.reject(new Error('refused at amqp://guest:s3cret@127.0.0.1:5672')),
      explain: (error) => `${(error as Error).message}: check RABBITMQ_URL`,
      process: fake.proc,
    });
    expect(fake.exits).toEqual([1]);
    expect(fake.stderr()).toBe(
      '02-queue-round-trip: refused at amqp://guest:***@127.0.0.1:5672: check RABBITMQ_URL\n',
    );
  });
});
