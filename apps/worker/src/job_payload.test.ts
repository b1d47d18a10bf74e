import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UnrecoverableError } from 'bullmq';
import { checkJob } from './job_payload.js';

const ID = 'abcdefghijklmno';

test('checkJob accepts the payloads of the registry', () => {
  assert.deepEqual(checkJob('instance.provision', { payload: { instanceId: ID } }), { name: 'instance.provision', payload: { instanceId: ID } });
  assert.deepEqual(checkJob('instance.power', { payload: { instanceId: ID, power: 'off' } }), { name: 'instance.power', payload: { instanceId: ID, power: 'off' } });
  assert.deepEqual(checkJob('instance.backup', { payload: { instanceId: ID, name: 'b_1.zip' } }), { name: 'instance.backup', payload: { instanceId: ID, name: 'b_1.zip' } });
  assert.deepEqual(checkJob('instance.provision', { payload: { instanceId: ID, fromBackup: { instanceId: ID, name: 'a.zip' } } }), { name: 'instance.provision', payload: { instanceId: ID, fromBackup: { instanceId: ID, name: 'a.zip' } } });
  assert.deepEqual(checkJob('instance.restore', { payload: { instanceId: ID, name: 'b_1.zip', undoName: 'u.zip' } }), { name: 'instance.restore', payload: { instanceId: ID, name: 'b_1.zip', undoName: 'u.zip' } });
  assert.deepEqual(checkJob('instance.deprovision', { payload: { instanceId: ID, deleteBackups: true } }).payload, { instanceId: ID, deleteBackups: true });
  assert.deepEqual(checkJob('instance.deprovision', { payload: { instanceId: ID, deleteBackups: 'yes' } }).payload, { instanceId: ID });
  assert.deepEqual(checkJob('instance.power', { payload: { instanceId: ID, power: 'on', restart: true } }), { name: 'instance.power', payload: { instanceId: ID, power: 'on', restart: true } });
  assert.deepEqual(
    checkJob('instance.restore', { payload: { instanceId: ID, name: 'p.zip', undoName: 'u.zip', pointInTime: '2026-12-06T01:02:03+01:00' } }),
    { name: 'instance.restore', payload: { instanceId: ID, name: 'p.zip', undoName: 'u.zip', pointInTime: '2026-12-06T00:02:03.000Z' } },
  );
  assert.deepEqual(
    checkJob('instance.provision', { payload: { instanceId: ID, fromBackup: { instanceId: ID, name: 'p.zip', pointInTime: '2026-12-06T00:00:00Z' } } }).payload,
    { instanceId: ID, fromBackup: { instanceId: ID, name: 'p.zip', pointInTime: '2026-12-06T00:00:00.000Z' } },
  );
});

test('checkJob refuses unknown names and malformed payloads as unrecoverable', () => {
  const bad: Array<[string, unknown]> = [
    ['instance.teleport', { payload: { instanceId: ID } }],
    ['instance.backup', { payload: { instanceId: ID } }],
    ['instance.backup', { payload: { instanceId: ID, name: '../x.zip' } }],
    ['instance.restore', { payload: { instanceId: ID, name: 'a.zip' } }],
    ['instance.provision', { payload: { instanceId: ID, fromBackup: { instanceId: '../x', name: 'a.zip' } } }],
    ['instance.provision', { payload: { instanceId: ID, fromBackup: { instanceId: ID, name: '../a.zip' } } }],
    ['instance.provision', null],
    ['instance.provision', { payload: 'x' }],
    ['instance.provision', { payload: { instanceId: '../etc' } }],
    ['instance.provision', { payload: { instanceId: 42 } }],
    ['instance.power', { payload: { instanceId: ID, power: 'maybe' } }],
    ['instance.restore', { payload: { instanceId: ID, name: 'a.zip', undoName: 'u.zip', pointInTime: 'yesterday' } }],
    ['instance.provision', { payload: { instanceId: ID, fromBackup: { instanceId: ID, name: 'a.zip', pointInTime: 42 } } }],
  ];
  for (const [name, data] of bad) assert.throws(() => checkJob(name, data), UnrecoverableError, `${name} ${JSON.stringify(data)}`);
});
