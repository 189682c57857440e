import amqp from 'amqplib';
import postgres from 'postgres';

/** Drops a test run's schema and everything in it. */
export async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`drop schema if exists ${sql(schema)} cascade`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Deletes a test run's queues, whether or not they exist. */
export async function deleteQueues(rabbitmqUrl: string, queues: readonly string[]): Promise<void> {
  const connection = await amqp.connect(rabbitmqUrl);
  try {
    const channel = await connection.createChannel();
    for (const queue of queues) await channel.deleteQueue(queue);
    await channel.close();
  } finally {
    await connection.close();
  }
}
