import assert from 'node:assert/strict';
import { test } from 'node:test';
import { handlerProblems, instanceNameProblem, JOB_NAMES, jobId } from './index.js';

test('instance names: table of accepted and refused names', () => {
  const cases: Array<[unknown, string | undefined]> = [
    ['acme', undefined], ['my-app-2', undefined], ['a'.repeat(40), undefined],
    ['', 'validation_required'], [undefined, 'validation_required'], [42, 'validation_required'],
    ['ab', 'validation_invalid_name'], ['a'.repeat(41), 'validation_invalid_name'], ['Acme', 'validation_invalid_name'],
    ['1acme', 'validation_invalid_name'], ['acme-', 'validation_invalid_name'], ['ac--me', 'validation_invalid_name'],
    ['acme.evil', 'validation_invalid_name'], ['../x', 'validation_invalid_name'], ['api', 'validation_reserved_name'],
    ['console', 'validation_reserved_name'],
  ];
  for (const [name, code] of cases) assert.equal(instanceNameProblem(name)?.code, code, String(name));
});

test('job ids are the intent: same intent, same id', () => {
  assert.equal(jobId('instance.provision', { instanceId: 'i1' }), 'instance.provision:i1');
  assert.equal(jobId('instance.power', { instanceId: 'i1', power: 'off' }), 'instance.power:i1:off');
  assert.notEqual(jobId('instance.power', { instanceId: 'i1', power: 'on' }), jobId('instance.power', { instanceId: 'i1', power: 'off' }));
  assert.equal(jobId('instance.admin-sync', { instanceId: 'i1' }), 'instance.admin-sync:i1');
});

test('handlerProblems: exactly one handler per job, none for unknown jobs', () => {
  const all = JOB_NAMES.map((name) => ({ name, source: `${name}.ts` }));
  assert.deepEqual(handlerProblems(all), []);
  assert.match(handlerProblems(all.slice(1)).join('\n'), /"instance.provision" has no handler/);
  assert.match(handlerProblems([...all, { name: 'instance.power', source: 'dup.ts' }]).join('\n'), /"instance.power" has 2 handlers: instance.power.ts, dup.ts/);
  assert.match(handlerProblems([...all, { name: 'nope', source: 'x.ts' }]).join('\n'), /unknown job "nope"/);
});
