// autocannon ships no types; this declares the part of its programmatic API the benchmark uses.
declare module 'autocannon' {
  /** Options of one autocannon run. */
  export interface Options {
    url: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    /** Requests to send in all; the run ends when each has been answered or has failed. */
    amount?: number;
    method?: 'GET' | 'POST';
    headers?: Record<string, string>;
  }

  /** Percentiles and mean of a histogram. */
  export interface Histogram {
    average: number;
    mean: number;
    p50: number;
    p90: number;
    p99: number;
    max: number;
    total: number;
  }

  /** What a run measured. */
  export interface Result {
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    /** Milliseconds. */
    latency: Histogram;
    /** Requests per second, sampled each second. */
    requests: Histogram;
  }

  /** A run under way, given a callback: it reports each answer and each failed request. */
  export interface Instance {
    on(event: 'response', listener: (client: unknown, statusCode: number) => void): this;
    on(event: 'reqError', listener: (error: Error) => void): this;
  }

  export default function autocannon(options: Options): Promise<Result>;
  export default function autocannon(
    options: Options,
    done: (error: Error | null, result: Result) => void,
  ): Instance;
}
