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

/** `npm run test:faults`: one broker node, one database. */
export const singleNodeGroup: Group = {
  id: 'single-node',
  scenarios,
  embedded: embeddedScenarios,
  async start(dir, stops) {
    const rabbit = await startPrivateRabbitMq(join(dir, 'rabbitmq'));
    stops.push(() => rabbit.stop());
    const postgres = await startPrivatePostgres(join(dir, 'postgres'));
    stops.push(() => postgres.stop('immediate'));
    return {
      rabbit,
      postgres,
      describe: `private RabbitMQ at ${rabbit.url}, private PostgreSQL at ${postgres.url}`,
    };
  },
};

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
