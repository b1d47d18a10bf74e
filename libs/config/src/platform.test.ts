import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadPlatformConfig } from './index.js';

test('defaults are the embedded stack', () => {
  const c = loadPlatformConfig({}, '/srv/burrow');
  assert.deepEqual(c, {
    apiPort: 3000, proxyPort: 8080, listenHost: '127.0.0.1', dataDir: '/srv/burrow/data', baseDomain: 'localhost', redisUrl: undefined,
    database: { kind: 'sqlite', file: '/srv/burrow/data/control.db' }, runtime: 'process', idleTimeoutSec: 900,
    instancesDir: '/srv/burrow/data/instances', backupsDir: '/srv/burrow/data/backups', deploysDir: '/srv/burrow/data/deploys', allowUnsandboxedCode: false, backupMinIntervalSec: 300,
    continuousBackup: { s3: undefined, retentionHours: 72, snapshotIntervalHours: 6 }, hostId: 'local', instanceQuota: 10, sessionTtlHours: 720, secretsKey: undefined,
    tenantBin: c.tenantBin, tenantStandby: 1, consoleDir: c.consoleDir,
    docker: { endpoint: { socketPath: '/var/run/docker.sock' }, image: 'burrow/tenant:local', namespace: 'burrow', network: 'host', limits: { memoryMb: 256, cpus: 1, pids: 256 } },
    replicas: { litefsBin: c.replicas.litefsBin, quota: 2, maxLagMs: 2000 },
  });
  assert.match(c.tenantBin, /apps\/tenant\/bin\/burrow-tenant\.mjs$/);
  assert.match(c.replicas.litefsBin, /\/.cache\/bin\/litefs$/);
  assert.match(c.consoleDir, /apps\/console\/dist$/);
  assert.equal(loadPlatformConfig({ CONSOLE_DIR: './ui' }, '/srv/burrow').consoleDir, '/srv/burrow/ui');
  assert.equal(loadPlatformConfig({ BACKUPS_DIR: '/mnt/backups' }, '/srv/burrow').backupsDir, '/mnt/backups');
});

test('docker runtime: the daemon from DOCKER_HOST or DOCKER_SOCKET, image, namespace and tenant limits', () => {
  const tcp = loadPlatformConfig({ RUNTIME: 'docker', DOCKER_HOST: 'tcp://127.0.0.1:2375', TENANT_IMAGE: 'registry.local/burrow/tenant:1', TENANT_MEMORY_MB: '512', TENANT_CPUS: '0.5', TENANT_PIDS: '128', DOCKER_NAMESPACE: 'edge-1' }, '/x').docker;
  assert.deepEqual(tcp, { endpoint: { host: '127.0.0.1', port: 2375, protocol: 'http' }, image: 'registry.local/burrow/tenant:1', namespace: 'edge-1', network: 'host', limits: { memoryMb: 512, cpus: 0.5, pids: 128 } });
  assert.deepEqual(loadPlatformConfig({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }, '/x').docker.endpoint, { socketPath: '/run/user/1000/docker.sock' });
  assert.equal(loadPlatformConfig({ LISTEN_HOST: '0.0.0.0' }, '/x').listenHost, '0.0.0.0');
  assert.equal(loadPlatformConfig({ ALLOW_UNSANDBOXED_CODE: 'true' }, '/x').allowUnsandboxedCode, true);
  assert.deepEqual(loadPlatformConfig({ DOCKER_SOCKET: 'run/docker.sock' }, '/x').docker.endpoint, { socketPath: '/x/run/docker.sock' });
  for (const [name, value] of [['DOCKER_HOST', 'ssh://host'], ['DOCKER_HOST', 'tcp://nohostport'], ['TENANT_CPUS', 'lots'], ['TENANT_CPUS', '0'], ['TENANT_MEMORY_MB', '8'], ['DOCKER_NAMESPACE', 'Bad_Name'], ['LISTEN_HOST', 'everywhere'], ['ALLOW_UNSANDBOXED_CODE', 'yes']]) {
    assert.throws(() => loadPlatformConfig({ [name]: value }, '/x'), (e: unknown) => e instanceof ConfigError && e.message.includes(name), `${name}=${value}`);
  }
});

test('continuous backup: an S3-compatible store needs a bucket and both keys', () => {
  const s3 = loadPlatformConfig({
    BACKUP_S3_BUCKET: 'burrow-backups', BACKUP_S3_ENDPOINT: 'http://127.0.0.1:9000', BACKUP_S3_ACCESS_KEY_ID: 'AK', BACKUP_S3_SECRET_ACCESS_KEY: 'SK', BACKUP_S3_PREFIX: '/tenants/',
  }, '/x').continuousBackup.s3;
  assert.deepEqual(s3, { endpoint: 'http://127.0.0.1:9000', bucket: 'burrow-backups', region: 'us-east-1', prefix: 'tenants', accessKeyId: 'AK', secretAccessKey: 'SK' });
  assert.throws(() => loadPlatformConfig({ BACKUP_S3_BUCKET: 'b-1' }, '/x'), (e: unknown) => e instanceof ConfigError && /BACKUP_S3_ACCESS_KEY_ID/.test(e.message));
  assert.throws(() => loadPlatformConfig({ BACKUP_S3_ENDPOINT: 'http://127.0.0.1:9000' }, '/x'), (e: unknown) => e instanceof ConfigError && /BACKUP_S3_BUCKET/.test(e.message));
  assert.throws(() => loadPlatformConfig({ BACKUP_S3_BUCKET: 'Bad_Bucket', BACKUP_S3_ACCESS_KEY_ID: 'a', BACKUP_S3_SECRET_ACCESS_KEY: 'b' }, '/x'), ConfigError);
});

test('values are parsed and Postgres is chosen by DATABASE_URL', () => {
  const c = loadPlatformConfig({
    API_PORT: '3100', PROXY_PORT: '8180', DATA_DIR: '/var/burrow', BASE_DOMAIN: 'Apps.Example.com', REDIS_URL: 'redis://127.0.0.1:6390',
    DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/burrow', RUNTIME: 'docker', IDLE_TIMEOUT: '60',
  }, '/x');
  assert.equal(c.apiPort, 3100);
  assert.equal(c.baseDomain, 'apps.example.com');
  assert.deepEqual(c.database, { kind: 'postgres', url: 'postgres://u:p@127.0.0.1:5432/burrow' });
  assert.equal(c.runtime, 'docker');
  assert.equal(c.idleTimeoutSec, 60);
  assert.equal(c.instancesDir, '/var/burrow/instances');
  const withKey = loadPlatformConfig({ SECRETS_KEY: 'ab'.repeat(32), INSTANCE_QUOTA: '3', BURROW_HOST: 'Host-2' }, '/x');
  assert.equal(withKey.secretsKey?.length, 32);
  assert.equal(withKey.instanceQuota, 3);
  assert.equal(withKey.hostId, 'host-2');
  assert.throws(() => loadPlatformConfig({ SECRETS_KEY: 'short' }, '/x'), /SECRETS_KEY: expected 32 bytes/);
});

test('TENANT_STANDBY: warm tenant processes, 0 to 8', () => {
  assert.equal(loadPlatformConfig({ TENANT_STANDBY: '0' }, '/x').tenantStandby, 0);
  assert.equal(loadPlatformConfig({ TENANT_STANDBY: ' 8 ' }, '/x').tenantStandby, 8);
  for (const bad of ['9', '-1', '1.5', 'two']) {
    assert.throws(() => loadPlatformConfig({ TENANT_STANDBY: bad }, '/x'), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.deepEqual(err.problems, [`TENANT_STANDBY=${JSON.stringify(bad)}: expected an integer from 0 to 8`]);
      return true;
    });
  }
});

test('every invalid variable is reported at once', () => {
  try {
    loadPlatformConfig({ API_PORT: 'x', PROXY_PORT: '70000', RUNTIME: 'vm', REDIS_URL: 'http://x', BASE_DOMAIN: 'bad domain', IDLE_TIMEOUT: '-1' }, '/x');
    assert.fail('expected ConfigError');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.problems.length, 6, err.message);
    assert.match(err.message, /API_PORT="x"/);
    assert.match(err.message, /RUNTIME="vm": expected one of process, docker/);
  }
  assert.throws(() => loadPlatformConfig({ API_PORT: '9000', PROXY_PORT: '9000' }, '/x'), /must differ/);
});

test('replicas: LiteFS binary, quota and lag limit; bad values are listed', () => {
  const r = loadPlatformConfig({ LITEFS_BIN: 'bin/litefs', REPLICA_QUOTA: '0', REPLICA_MAX_LAG_MS: '500' }, '/x').replicas;
  assert.deepEqual(r, { litefsBin: '/x/bin/litefs', quota: 0, maxLagMs: 500 });
  assert.throws(() => loadPlatformConfig({ REPLICA_QUOTA: '-1', REPLICA_MAX_LAG_MS: '10' }, '/x'), /REPLICA_QUOTA[\s\S]*REPLICA_MAX_LAG_MS/);
});
