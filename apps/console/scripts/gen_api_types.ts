/**
 * Writes src/api/schema.gen.ts from the control API's OpenAPI document: starts a throwaway api
 * (own Redis, temp SQLite), reads GET /api/docs and renders it with openapi-typescript.
 * Run from the repository root: `TSX_TSCONFIG_PATH=tsconfig.tsx.json node --import tsx apps/console/scripts/gen_api_types.ts`.
 */
import { writeFileSync } from 'node:fs';
import { startApiHarness } from '../../api/src/test_support/api_harness.js';
import { CONSOLE_API_TYPES, renderApiTypes } from '../../api/src/test_support/openapi_types.js';

const h = await startApiHarness();
try {
  const docs = await h.call('GET', '/api/docs');
  if (docs.status !== 200) throw new Error(`GET /api/docs answered ${docs.status}`);
  writeFileSync(CONSOLE_API_TYPES, await renderApiTypes(docs.body));
  process.stdout.write(`wrote ${CONSOLE_API_TYPES}\n`);
} finally {
  await h.stop();
}
