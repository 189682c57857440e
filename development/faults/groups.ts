/** The fault suite's groups: the services each one runs on, and its scenarios. */
import { join } from 'node:path';
import { rabbitClusterScenarios } from './cluster-scenarios.ts';
import { type EmbeddedScenario, embeddedScenarios } from './embedded.ts';
import { failoverScenarios } from './failover-scenarios.ts';
import { startPrivatePostgres } from './private-postgres.ts';
import { startPrivatePostgresPair } from './private-postgres-pair.ts';
import { startPrivateRabbitMq } from './private-rabbitmq.ts';
import { startPrivateRabbitMqCluster } from './private-rabbitmq-cluster.ts';
import type { Suite } from './run-scenario.ts';
import { type Scenario, scenarios } from './scenarios.ts';

/** The private services a group's scenarios run on, and a line naming them for the log. */
export type GroupServices = Pick<Suite, 'rabbit' | 'cluster' | 'postgres' | 'startPostgresPair'> & {
  describe: string;
};

/** Scenarios that run on the same private services, started once for them. */
export interface Group {
  /** Names the group in the log and its services' folder. */
  id: string;
  /** The scenarios run against the group's services, in order. */
  scenarios: readonly Scenario[];
  /** `npm start` scenarios, which bring their own embedded database. */
  embedded?: readonly EmbeddedScenario[];
  /** Starts the group's private services under `dir`, pushing how to stop each onto `stops`. */
  start(dir: string, stops: (() => Promise<void>)[]): Promise<GroupServices>;
}

/**
 * The single-node scenarios that fault the database or the services' own processes, and the one
 * whose input fails; the others fault the broker, the messages or the configuration.
 */
const DATABASE_AND_SERVICES = new Set([
  'db-stop-fast',
  'db-stop-immediate',
  'db-long-outage',
  'db-freeze',
  'db-sessions-killed',
  'processing-kill',
  'fetch-kill',
  'processing-freeze',
  'fetch-freeze',
  'crash-on-one-message',
  'fetch-failures',
  'sigterm-all',
  'api-crash-after-commit',
]);

for (const id of DATABASE_AND_SERVICES) {
  if (!scenarios.some((scenario) => scenario.id === id)) throw new Error(`no fault scenario ${id}`);
}

/** A group on one private broker node and one private database. */
const singleNode = (
  id: string,
  members: readonly Scenario[],
  embedded?: readonly EmbeddedScenario[],
): Group => ({
  id,
  scenarios: members,
  ...(embedded ? { embedded } : {}),
  async start(dir, stops) {
    // Named after the group: the other one's node runs beside it, on the same host.
    const name = `faults${process.pid}_${id.replaceAll('-', '_')}`;
    const rabbit = await startPrivateRabbitMq(join(dir, 'rabbitmq'), { name });
    stops.push(() => rabbit.stop());
    const postgres = await startPrivatePostgres(join(dir, 'postgres'));
    stops.push(() => postgres.stop('immediate'));
    return {
      rabbit,
      postgres,
      describe: `private RabbitMQ at ${rabbit.url}, private PostgreSQL at ${postgres.url}`,
    };
  },
});

/**
 * `npm run test:faults`: one broker node and one database, in two groups that run side by side,
 * each on services of its own: the broker's, the messages' and the configuration's faults with
 * `npm start`'s, and the database's and the services' (the suite takes about half as long).
 */
export const singleNodeGroups: readonly Group[] = [
  singleNode(
    'single-node-broker',
    scenarios.filter((scenario) => !DATABASE_AND_SERVICES.has(scenario.id)),
    embeddedScenarios,
  ),
  singleNode(
    'single-node-database',
    scenarios.filter((scenario) => DATABASE_AND_SERVICES.has(scenario.id)),
  ),
];

/** A 3-node RabbitMQ cluster the services connect to through a list of its nodes' URLs. */
const rabbitClusterGroup: Group = {
  id: 'rabbitmq-cluster',
  scenarios: rabbitClusterScenarios,
  async start(dir, stops) {
    const cluster = await startPrivateRabbitMqCluster(join(dir, 'rabbitmq'));
    stops.push(() => cluster.stop());
    await cluster.waitUntilWhole();
    const postgres = await startPrivatePostgres(join(dir, 'postgres'));
    stops.push(() => postgres.stop('immediate'));
    const [rabbit] = cluster.nodes;
    if (!rabbit) throw new Error('the cluster started no node');
    return {
      rabbit,
      cluster,
      postgres,
      describe: `RabbitMQ cluster at ${cluster.url}, PostgreSQL at ${postgres.url}`,
    };
  },
};

/**
 * A primary and its streaming standby for each scenario, replicating as the scenario says: the
 * services connect through a URL listing both servers.
 */
const postgresFailoverGroup: Group = {
  id: 'postgres-failover',
  scenarios: failoverScenarios,
  async start(dir, stops) {
    const rabbit = await startPrivateRabbitMq(join(dir, 'rabbitmq'));
    stops.push(() => rabbit.stop());
    let pairs = 0;
    return {
      rabbit,
      async startPostgresPair(replication) {
        pairs += 1;
        const pair = await startPrivatePostgresPair(join(dir, `postgres-${pairs}`), replication);
        stops.push(() => pair.stop());
        return pair;
      },
      describe: `private RabbitMQ at ${rabbit.url}, a private PostgreSQL primary and standby for each scenario`,
    };
  },
};

/** `npm run test:cluster`: the services on several broker nodes or database instances. */
export const clusterGroups: readonly Group[] = [rabbitClusterGroup, postgresFailoverGroup];
