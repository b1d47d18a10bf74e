#!/usr/bin/env node
// Generates the Prisma clients of the control database, offline: one for SQLite (from
// prisma/schema.prisma as written) and one for Postgres (the same models with the provider
// swapped), because a Prisma client is bound to one provider. Quick when nothing changed.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemaPath = join(root, 'prisma', 'schema.prisma');
const generatedDir = join(root, 'libs', 'db', 'src', 'generated');
const cacheDir = join(root, '.cache', 'prisma');

/** Generates both clients unless the stamp says they match the schema; returns true if it ran. */
export function generatePrismaClients({ force = false, log = () => {} } = {}) {
  const schema = readFileSync(schemaPath, 'utf8');
  const version = JSON.parse(readFileSync(join(root, 'node_modules', 'prisma', 'package.json'), 'utf8')).version;
  const digest = createHash('sha256').update(version).update(schema).digest('hex');
  const stamp = join(generatedDir, '.stamp');
  if (!force && existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return false;

  log('generating the Prisma clients (SQLite and Postgres)');
  mkdirSync(cacheDir, { recursive: true });
  // The CLI insists on a schema engine binary even for `generate`, which needs none.
  const fakeEngine = join(cacheDir, 'no-schema-engine');
  if (!existsSync(fakeEngine)) writeFileSync(fakeEngine, '');
  const pgSchemaPath = join(cacheDir, 'postgres.prisma');
  const pgOutput = relative(cacheDir, join(generatedDir, 'postgres'));
  const pgSchema = schema
    .replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"')
    .replace(/output\s*=\s*"[^"]*"/, `output = ${JSON.stringify(pgOutput)}`);
  if (pgSchema === schema) throw new Error('prisma/schema.prisma: expected a sqlite datasource and a client output');
  writeFileSync(pgSchemaPath, pgSchema);

  const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: fakeEngine, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
  for (const file of [schemaPath, pgSchemaPath]) {
    const r = spawnSync(process.execPath, [join(root, 'node_modules', 'prisma', 'build', 'index.js'), 'generate', '--schema', file], {
      cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`prisma generate --schema ${relative(root, file)} failed:\n${r.stdout}${r.stderr}`);
  }
  writeFileSync(stamp, digest);
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  generatePrismaClients({ force: process.argv.includes('--force'), log: (m) => process.stdout.write(`[prisma] ${m}\n`) });
}
