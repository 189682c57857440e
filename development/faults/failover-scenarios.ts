import { setTimeout as sleep } from 'node:timers/promises';
import type { PrivatePostgresPair } from './private-postgres-pair.ts';
import { seconds } from './run-scenario.ts';
import { aimAt, type Scenario, type ScenarioContext } from './scenarios.ts';

// What a failover manager takes to call the primary dead before it promotes the standby.
const DETECTION_MS = 1000;

// The primary is away for DETECTION_MS plus the promotion: the retry tiers must outlast that.
const RETRIES_OUTLASTING_A_FAILOVER = { RETRY_DELAYS_MS: '500,2000,5000' };

function pairOf(context: ScenarioContext): PrivatePostgresPair {
  if (!context.postgresPair) throw new Error('a failover scenario needs a primary with a standby');
  return context.postgresPair;
}

// How long the WAL stream is held back before the kill, for a standby that lags (a slow network).
const LAG_MS = 300;

/**
 * kill -9 of the primary mid-stream, and the standby promoted once the primary is called dead;
 * with `lagMs`, the WAL stream held back that long before the kill. Measures the commits the
 * primary wrote that its standby never got, and when the promotion ended.
 */
const failover =
  (lagMs = 0): Scenario['inject'] =>
  async (context) => {
    const pair = pairOf(context);
    const { injectedAt, reading } = await aimAt(context, 0.3, 'workers', 'kill -9 the primary');
    if (lagMs > 0) {
      await pair.holdWalSender();
      await sleep(lagMs);
    }
    await pair.primary.kill();
    const commitsNotOnStandby = await pair.commitsNotOnStandby();
    await sleep(Math.max(0, injectedAt + DETECTION_MS - Date.now()));
    await pair.promoteStandby();
    const promotedAfterMs = Date.now() - injectedAt;
    context.note(
      `the standby promoted ${seconds(promotedAfterMs)} after the kill; ${commitsNotOnStandby} commits of the primary's WAL never reached it`,
    );
    return {
      injectedAt,
      restoredAt: Date.now(),
      inFlight: reading,
      measured: { commitsNotOnStandby, promotedAfterMs },
    };
  };

/** PostgreSQL's failover: the primary killed, its standby promoted, synchronous or not. */
export const failoverScenarios: readonly Scenario[] = [
  {
    id: 'pg-failover-sync',
    title: 'PostgreSQL primary killed (kill -9) mid-stream, its synchronous standby promoted: nothing lost',
    env: RETRIES_OUTLASTING_A_FAILOVER,
    replication: 'synchronous',
    hitsWork: true,
    mustRedo: true,
    inject: failover(),
  },
  {
    id: 'pg-failover-async',
    title:
      'PostgreSQL primary killed (kill -9) mid-stream, its asynchronous standby promoted: the loss measured',
    env: RETRIES_OUTLASTING_A_FAILOVER,
    replication: 'asynchronous',
    hitsWork: true,
    mustRedo: true,
    lossAllowedBy:
      'asynchronous replication: a commit returns before the standby has it, so the last ones die with the primary',
    inject: failover(),
  },
  {
    id: 'pg-failover-async-lag',
    title: `PostgreSQL primary killed (kill -9) mid-stream, its asynchronous standby ${LAG_MS} ms behind, promoted: the loss measured`,
    env: RETRIES_OUTLASTING_A_FAILOVER,
    replication: 'asynchronous',
    hitsWork: true,
    mustRedo: true,
    lossAllowedBy:
      'asynchronous replication: what the lagging standby had not received died with the primary',
    inject: failover(LAG_MS),
  },
];
