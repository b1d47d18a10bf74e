import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cronProblem } from './backups.service.js';

test('cronProblem: 5 fields or a macro, UTC, not more often than the minimum interval', () => {
  for (const ok of ['0 3 * * *', '@daily', '@hourly', '*/15 * * * *', '0 0 * * 0']) assert.equal(cronProblem(ok, 300), undefined, ok);
  assert.equal(cronProblem('* * * * *', 300)?.code, 'validation_cron_too_frequent');
  assert.equal(cronProblem('*/2 * * * *', 300)?.code, 'validation_cron_too_frequent');
  assert.equal(cronProblem('*/5 * * * *', 300), undefined);
  // a short gap beyond the next few runs is still found
  assert.equal(cronProblem('0,10,20,21 * * * *', 300)?.code, 'validation_cron_too_frequent');
  assert.equal(cronProblem('0,1 0 1 6 *', 300)?.code, 'validation_cron_too_frequent');
  assert.equal(cronProblem('0 0 29 2 *', 300), undefined);
  for (const bad of ['', 'every day', '61 * * * *', '* * * *', '0 0 32 * *']) assert.equal(cronProblem(bad, 300)?.code, 'validation_invalid_cron', bad);
  // seconds only where the minimum allows sub-minute schedules (tests)
  assert.equal(cronProblem('*/2 * * * * *', 300)?.code, 'validation_invalid_cron');
  assert.equal(cronProblem('*/2 * * * * *', 1), undefined);
});
