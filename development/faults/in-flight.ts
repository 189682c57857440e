import { setTimeout as sleep } from 'node:timers/promises';

/** The work a fault met: what each process had in flight at the instant it was read. */
export interface InFlightReading {
  /** Deliveries not yet settled, by process. */
  deliveries: Record<string, number>;
  /** Publishes awaiting the broker's confirm, by process. */
  publishes: Record<string, number>;
  /** Statements the services' database sessions were running, for a fault of those sessions. */
  statements?: number;
  /** Everything above, added up. */
  total: number;
}

/**
 * The sum of every series of metric `name` in Prometheus text (only those whose labels contain
 * `having`, when given); 0 when there is none.
 */
export function sumOf(text: string, name: string, having?: string): number {
  let sum = 0;
  for (const match of text.matchAll(new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)$`, 'gm'))) {
    if (having === undefined || (match[1] ?? '').includes(having)) sum += Number(match[2]);
  }
  return sum;
}

/**
 * Reads `deliveries_in_flight` and `publishes_unconfirmed` from each process's /metrics (by name:
 * its base URL). A process that does not answer (killed, restarting) has nothing in flight.
 */
export async function readInFlight(services: Record<string, string>): Promise<InFlightReading> {
  const reading: InFlightReading = { deliveries: {}, publishes: {}, total: 0 };
  await Promise.all(
    Object.entries(services).map(async ([name, base]) => {
      let text = '';
      try {
        const response = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(2000) });
        text = await response.text();
      } catch {
        // Not answering: nothing it holds can be read, and a killed process holds nothing.
      }
      reading.deliveries[name] = sumOf(text, 'deliveries_in_flight');
      reading.publishes[name] = sumOf(text, 'publishes_unconfirmed');
    }),
  );
  reading.total =
    Object.values(reading.deliveries).reduce((sum, n) => sum + n, 0) +
    Object.values(reading.publishes).reduce((sum, n) => sum + n, 0);
  return reading;
}

/**
 * Reads the work in flight until `wanted` holds (aiming a fault at work rather than hoping it meets
 * some), then returns that reading, taken right before the caller injects the fault. After
 * `timeoutMs` it returns the last reading, which the scenario's check then finds wanting.
 */
export async function aim(
  read: () => Promise<InFlightReading>,
  wanted: (reading: InFlightReading) => boolean,
  timeoutMs = 10_000,
): Promise<InFlightReading> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reading = await read();
    if (wanted(reading) || Date.now() > deadline) return reading;
    await sleep(2);
  }
}

/** Adds readings up, for a scenario that injects its fault more than once. */
export function addReadings(readings: readonly InFlightReading[]): InFlightReading {
  const sum: InFlightReading = { deliveries: {}, publishes: {}, total: 0 };
  for (const reading of readings) {
    for (const [name, n] of Object.entries(reading.deliveries))
      sum.deliveries[name] = (sum.deliveries[name] ?? 0) + n;
    for (const [name, n] of Object.entries(reading.publishes))
      sum.publishes[name] = (sum.publishes[name] ?? 0) + n;
    if (reading.statements !== undefined) sum.statements = (sum.statements ?? 0) + reading.statements;
    sum.total += reading.total;
  }
  return sum;
}
