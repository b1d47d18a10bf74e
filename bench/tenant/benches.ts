/** The HTTP workloads measured against each target, as autocannon request templates. */
import type autocannon from 'autocannon';
import type { SeedResult } from './seed.js';

/** One measured workload. */
export interface Bench {
  name: string;
  /** What the row measures, for the README and the report. */
  description: string;
  /** Request templates for autocannon, built from the seeded data. */
  requests(seeded: SeedResult): autocannon.Request[];
}

const LIST_QUERY = new URLSearchParams({
  page: '1',
  perPage: '20',
  sort: '-score',
  filter: "score>500&&title~'a'",
}).toString();

/** Every workload, in the order they run. */
export const BENCHES: Bench[] = [
  {
    name: 'getOne',
    description: 'GET one bench_posts record by id, cycling over all seeded ids',
    requests({ postIds }) {
      let next = 0;
      return [
        {
          method: 'GET',
          setupRequest(req) {
            const id = postIds[next++ % postIds.length];
            return { ...req, path: `/api/collections/bench_posts/records/${id}` };
          },
        },
      ];
    },
  },
  {
    name: 'list (skipTotal)',
    description: "GET 20 records, filter score>500&&title~'a', sort -score, skipTotal=1",
    requests: () => [
      { method: 'GET', path: `/api/collections/bench_posts/records?${LIST_QUERY}&skipTotal=1` },
    ],
  },
  {
    name: 'list (with total)',
    description: 'the same list query with the total count',
    requests: () => [{ method: 'GET', path: `/api/collections/bench_posts/records?${LIST_QUERY}` }],
  },
  {
    name: 'create',
    description: 'POST a bench_writes record as the user (createRule checks auth and body)',
    requests: ({ userToken }) => [
      {
        method: 'POST',
        path: '/api/collections/bench_writes/records',
        headers: { 'content-type': 'application/json', authorization: userToken },
        body: JSON.stringify({ title: 'bench write', n: 1 }),
      },
    ],
  },
  {
    name: 'auth-refresh',
    description: 'POST /api/collections/users/auth-refresh with the user token',
    requests: ({ userToken }) => [
      {
        method: 'POST',
        path: '/api/collections/users/auth-refresh',
        headers: { authorization: userToken },
      },
    ],
  },
];
