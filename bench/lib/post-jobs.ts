import autocannon from 'autocannon';

/** What {@link postJobs} measured. */
export interface Posting {
  accepted: number;
  /** Answers other than 202, by status (0: the request failed). */
  refused: Record<string, number>;
  /** From the first request to the last answer. */
  seconds: number;
  /** Accepted jobs per second while posting. */
  rate: number;
}

/**
 * Posts `count` jobs to `POST /refresh` from `concurrency` keep-alive connections at once, as
 * fast as the API answers, calling `onProgress` every 1000 answers. The client is autocannon, as
 * in the API benchmark: it shares the two cores with the services, and costs a third of what
 * Node's own HTTP client does per request (0.03-0.05 against 0.11-0.14 ms, measured against a
 * bare server).
 */
export async function postJobs(
  api: string,
  count: number,
  concurrency: number,
  onProgress: (answered: number) => void = () => {},
): Promise<Posting> {
  const refused: Record<string, number> = {};
  let accepted = 0;
  let answered = 0;
  let lastAnswerAt = 0;
  const counted = (status: number) => {
    lastAnswerAt = performance.now();
    if (status === 202) accepted += 1;
    else refused[status] = (refused[status] ?? 0) + 1;
    answered += 1;
    if (answered % 1000 === 0) onProgress(answered);
  };
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const options = {
      url: new URL('/refresh', api).href,
      method: 'POST' as const,
      connections: concurrency,
      amount: count,
    };
    autocannon(options, (error) => (error ? reject(error) : resolve()))
      .on('response', (_client, status) => counted(status))
      .on('reqError', () => counted(0));
  });
  // Not until autocannon returns: it notices the last answer only at its next one-second sample.
  const seconds = (lastAnswerAt - started) / 1000;
  return { accepted, refused, seconds, rate: accepted / seconds };
}
