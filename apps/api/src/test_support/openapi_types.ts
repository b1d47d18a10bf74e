/**
 * The console's API types (apps/console/src/api/schema.gen.ts), rendered from the api's own
 * OpenAPI document by openapi-typescript. The console's generator script writes the file and
 * api.test.ts checks that the committed one still matches the routes.
 */
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

/** The generated file, relative to nothing: an absolute path in this repository. */
export const CONSOLE_API_TYPES = fileURLToPath(new URL('../../../console/src/api/schema.gen.ts', import.meta.url));

const HEADER = `/**
 * Types of the control API, generated from its OpenAPI document (GET /api/docs).
 * Do not edit: \`node --import tsx apps/console/scripts/gen_api_types.ts\` rewrites it, and the
 * api's tests fail when it no longer matches the routes.
 */
`;

/** TypeScript source for the OpenAPI document `doc`. */
export async function renderApiTypes(doc: unknown): Promise<string> {
  // openapi-typescript types its input as its own OpenAPI3 shape; the document comes from the api as JSON.
  const ast = await openapiTS(doc as Parameters<typeof openapiTS>[0], { alphabetize: true });
  return HEADER + astToString(ast);
}
