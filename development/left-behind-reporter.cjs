const { execFile } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const postgres = require('postgres');

/**
 * Fails a test run that leaves queues or schemas behind on the shared RabbitMQ and PostgreSQL.
 * Leaks add up across runs: some hundreds of forgotten quorum queues use up the broker's file
 * handles, after which it accepts no connection. At the start it gives the run an id
 * (MOUSETRAP_TEST_RUN, which test_kit's uniqueName puts in every queue prefix and schema name);
 * at the end it looks for names with that id and counts what it finds as one failure. Queues are
 * listed with rabbitmqctl, so only for a broker on this machine.
 */
class LeftBehindReporter {
  constructor() {
    this.run = `r${randomBytes(3).toString('hex')}`;
  }

  onRunStart() {
    // Before jest starts its workers, which inherit the environment.
    process.env.MOUSETRAP_TEST_RUN = this.run;
  }

  async onRunComplete(_contexts, results) {
    const marker = `_${this.run}_`;
    const found = [...(await leftQueues(marker)), ...(await leftSchemas(marker))];
    if (found.length === 0) return;
    process.stderr.write(`\nleft behind by this run's tests (delete them in the tests' cleanup):\n`);
    for (const name of found) process.stderr.write(`  ${name}\n`);
    results.numRuntimeErrorTestSuites += 1;
  }
}

/** The queues whose names carry `marker`, or none when the broker is not this machine's. */
function leftQueues(marker) {
  const url = process.env.RABBITMQ_URL;
  if (!url || !['127.0.0.1', 'localhost'].includes(new URL(url).hostname)) return [];
  const vhost = decodeURIComponent(new URL(url).pathname.slice(1)) || '/';
  return new Promise((resolve) => {
    execFile(
      'rabbitmqctl',
      ['list_queues', '--vhost', vhost, 'name', '--silent'],
      { timeout: 60_000 },
      (error, stdout) => {
        if (error) {
          process.stderr.write(
            `left-behind check: queues not checked (rabbitmqctl: ${error.message.split('\n')[0]})\n`,
          );
          resolve([]);
          return;
        }
        resolve(
          stdout
            .split('\n')
            .filter((name) => name.includes(marker))
            .map((name) => `queue ${name}`),
        );
      },
    );
  });
}

/** The schemas whose names carry `marker`. */
async function leftSchemas(marker) {
  if (!process.env.DATABASE_URL) return [];
  const sql = postgres(process.env.DATABASE_URL, { max: 1, connect_timeout: 10, onnotice: () => {} });
  try {
    const rows = await sql`select nspname from pg_namespace where strpos(nspname, ${marker}) > 0 order by 1`;
    return rows.map((row) => `schema ${row.nspname}`);
  } catch (error) {
    process.stderr.write(`left-behind check: schemas not checked (${error.message})\n`);
    return [];
  } finally {
    await sql.end({ timeout: 5 });
  }
}

module.exports = LeftBehindReporter;
