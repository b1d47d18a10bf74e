/** The tenant environment: from scratch, with HOME and the instance's own variables only. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_BASE_ENV, tenantEnv, validateInstanceEnv } from './env.js';

test('base + HOME + own env, nothing else', () => {
  const env = tenantEnv(DEFAULT_BASE_ENV, '/srv/instances/acme', { APP_SECRET: 's3cret', LANG: 'de_DE.UTF-8' });
  assert.deepEqual(env, {
    PATH: DEFAULT_BASE_ENV.PATH,
    NODE_ENV: 'production',
    LANG: 'de_DE.UTF-8',
    HOME: '/srv/instances/acme',
    APP_SECRET: 's3cret',
  });
});

test('names that would change what the tenant runs are reserved', () => {
  for (const name of [
    'PATH', 'HOME', 'NODE_OPTIONS', 'NODE_PATH', 'NODE_ENV', 'NODE_V8_COVERAGE', 'NODE_REDIRECT_WARNINGS', 'OPENSSL_CONF',
    'OPENSSL_MODULES', 'SSL_CERT_FILE', 'UV_THREADPOOL_SIZE', 'LD_PRELOAD', 'LD_LIBRARY_PATH', 'DYLD_INSERT_LIBRARIES',
  ]) {
    assert.throws(() => validateInstanceEnv({ [name]: 'x' }), { code: 'invalid_spec' }, name);
  }
  for (const name of ['', '1A', 'A-B', 'A=B', 'A B']) {
    assert.throws(() => validateInstanceEnv({ [name]: 'x' }), { code: 'invalid_spec' }, name);
  }
  assert.throws(() => validateInstanceEnv({ A: 'x\0y' }), { code: 'invalid_spec' });
  validateInstanceEnv({ STRIPE_KEY: 'sk', _PRIVATE: '', lower_case: 'ok', BURROW_PLATFORM_KEY: 'set by the platform' });
});
