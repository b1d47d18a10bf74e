/**
 * The part of autocannon 8's programmatic API the benchmarks use (the package ships no
 * types and @types/autocannon is not a dependency). See node_modules/autocannon/README.md.
 */
declare module 'autocannon' {
  namespace autocannon {
    /** Percentile summary of one statistic. */
    interface Histogram {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      total: number;
      p50: number;
      p90: number;
      p97_5: number;
      p99: number;
    }

    /** One request template; each connection loops over the `requests` list. */
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string;
      /** Mutates the raw request before it is sent (main-thread mode only). */
      setupRequest?: (req: Request, context: Record<string, unknown>) => Request;
    }

    interface Options {
      url: string;
      connections?: number;
      /** Seconds. */
      duration?: number;
      method?: string;
      headers?: Record<string, string>;
      body?: string;
      requests?: Request[];
      /** Seconds a request may take before it counts as a timeout. */
      timeout?: number;
      /** A shorter run first whose numbers are discarded. */
      warmup?: { connections?: number; duration?: number };
    }

    interface Result {
      requests: Histogram;
      latency: Histogram;
      throughput: Histogram;
      errors: number;
      timeouts: number;
      non2xx: number;
      '2xx': number;
      duration: number;
      statusCodeStats?: Record<string, { count: number }>;
    }
  }

  /** Runs a load test; without a callback it resolves with the result. */
  function autocannon(opts: autocannon.Options): Promise<autocannon.Result>;
  export default autocannon;
}
