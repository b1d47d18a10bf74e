import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { applyBundle, checkBundle, DeployError, rollbackBundle } from './deploy.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

test('a bundle replaces hooks/ and migrations/ as a whole; rollback puts the previous back', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'hooks'));
  writeFileSync(join(dir, 'hooks', 'old.js'), 'old');
  writeFileSync(join(dir, 'data.db'), 'not touched');
  applyBundle(dir, checkBundle({ files: { 'hooks/new.js': 'new', 'migrations/1_a.js': 'm' } }));
  assert.deepEqual(readdirSync(join(dir, 'hooks')), ['new.js']);
  assert.deepEqual(readdirSync(join(dir, 'migrations')), ['1_a.js']);
  assert.equal(readFileSync(join(dir, 'data.db'), 'utf8'), 'not touched');
  assert.equal(rollbackBundle(dir), true);
  assert.deepEqual(readdirSync(join(dir, 'hooks')), ['old.js']);
  assert.equal(existsSync(join(dir, 'migrations')), false, 'there were no migrations before');
  assert.deepEqual(readdirSync(join(dir, '.deploy_failed', 'hooks')), ['new.js'], 'the failed deploy kept for a look');
  assert.equal(rollbackBundle(dir), false, 'one step back only');
});

test('bad bundles are refused before anything changes', () => {
  const bad: unknown[] = [
    null, [], { files: [] }, { files: { '../data.db': 'x' } }, { files: { 'hooks/../../x.js': 'x' } }, { files: { 'storage/x.js': 'x' } },
    { files: { 'hooks/x.sh': 'x' } }, { files: { 'hooks/sub/x.js': 'x' } }, { files: { 'hooks/x.js': 5 } }, { files: { '/etc/x.js': 'x' } },
    { files: { 'hooks/big.js': 'x'.repeat(5 * 1024 * 1024 + 1) } },
    { files: Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`hooks/f${i}.js`, ''])) },
  ];
  for (const b of bad) assert.throws(() => checkBundle(b), DeployError, JSON.stringify(b).slice(0, 80));
});
