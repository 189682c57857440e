import { Agent, request } from 'node:http';

/** What {@link postJobs} measured. */
export interface Posting {
  accepted: number;
  /** Answers other than 202, by status (0: the request failed). */
  refused: Record<string, number>;
  seconds: number;
  /** Accepted jobs per second while posting. */
  rate: number;
}

/** POST /refresh once; resolves with the status code (0 if the request failed). */
function postRefresh(api: URL, agent: Agent): Promise<number> {
  return new Promise((resolve) => {
    const req = request(api, { method: 'POST', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

/**
 * Posts `count` jobs to `POST /refresh` from `concurrency` keep-alive connections at once, as
 * fast as the API answers, calling `onProgress` every 1000 answers.
 */
export async function postJobs(
  api: string,
  count: number,
  concurrency: number,
  onProgress: (answered: number) => void = () => {},
): Promise<Posting> {
  const url = new URL('/refresh', api);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const refused: Record<string, number> = {};
  let next = 0;
  let accepted = 0;
  const started = performance.now();
  const client = async () => {
    while (next < count) {
      next += 1;
      const status = await postRefresh(url, agent);
      if (status === 202) accepted += 1;
      else refused[status] = (refused[status] ?? 0) + 1;
      const answered = accepted + Object.values(refused).reduce((a, b) => a + b, 0);
      if (answered % 1000 === 0) onProgress(answered);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  agent.destroy();
  const seconds = (performance.now() - started) / 1000;
  return { accepted, refused, seconds, rate: accepted / seconds };
}
