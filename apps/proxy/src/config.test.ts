import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadProxyConfig } from './config.js';

test('loadProxyConfig applies the platform defaults', () => {
  const { tenantBin, docker, replicas, ...rest } = loadProxyConfig({}, '/srv');
  assert.deepEqual(rest, {
    port: 8080, host: '127.0.0.1', baseDomain: 'localhost', idleTimeoutMs: 900_000, dataDir: '/srv/data', instancesDir: '/srv/data/instances',
    database: { kind: 'sqlite', file: '/srv/data/control.db' }, secretsKey: undefined, tenantStandby: 1, runtime: 'process',
    replicaStore: { backupsDir: '/srv/data/backups', s3: undefined, retentionHours: 72, snapshotIntervalHours: 6 },
  });
  assert.match(tenantBin, /\/apps\/tenant\/bin\/burrow-tenant\.mjs$/);
  assert.equal(docker.image, 'burrow/tenant:local');
  assert.deepEqual({ quota: replicas.quota, maxLagMs: replicas.maxLagMs }, { quota: 2, maxLagMs: 2000 });
});

test('loadProxyConfig passes the control DB, secrets key and tenant binary through', () => {
  const key = 'ab'.repeat(32);
  const config = loadProxyConfig({ DATABASE_URL: 'postgres://u:p@db:5432/burrow', SECRETS_KEY: key, TENANT_BIN: 'bin/t.mjs' }, '/srv');
  assert.deepEqual(config.database, { kind: 'postgres', url: 'postgres://u:p@db:5432/burrow' });
  assert.deepEqual(config.secretsKey, Buffer.from(key, 'hex'));
  assert.equal(config.tenantBin, '/srv/bin/t.mjs');
  assert.throws(() => loadProxyConfig({ SECRETS_KEY: 'short' }, '/srv'), ConfigError);
});

test('loadProxyConfig parses values and rejects bad ones', () => {
  const config = loadProxyConfig({ PROXY_PORT: '9000', BASE_DOMAIN: 'Burrow.Test', IDLE_TIMEOUT: '0', DATA_DIR: '/tmp/x' }, '/srv');
  assert.equal(config.port, 9000);
  assert.equal(config.baseDomain, 'burrow.test');
  assert.equal(config.idleTimeoutMs, 0);
  assert.equal(config.instancesDir, '/tmp/x/instances');
  assert.equal(loadProxyConfig({ TENANT_STANDBY: '0' }, '/srv').tenantStandby, 0);
  assert.throws(() => loadProxyConfig({ TENANT_STANDBY: '9' }, '/srv'), ConfigError);
  assert.throws(() => loadProxyConfig({ PROXY_PORT: '70000' }, '/srv'), ConfigError);
  assert.throws(() => loadProxyConfig({ IDLE_TIMEOUT: '5s' }, '/srv'), ConfigError);
  assert.throws(() => loadProxyConfig({ BASE_DOMAIN: 'bad/domain' }, '/srv'), ConfigError);
});
