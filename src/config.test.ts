import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './config.js';

test('defaults serve the sandbox on the embedded database', () => {
  const config = loadConfig({});
  assert.equal(config.port, 3000);
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.databaseUrl, undefined);
  assert.equal(config.dataDir, path.resolve('data'));
  assert.equal(config.seedDemo, true);
  assert.equal(config.logLevel, 'info');
  assert.ok(Object.isFrozen(config));
});

test('an external database needs a master key and turns the sandbox seed off by default', () => {
  const key = 'ab'.repeat(32);
  const config = loadConfig({ DATABASE_URL: 'postgres://u@db/openiys', OPENIYS_MASTER_KEY: key });
  assert.equal(config.seedDemo, false);
  assert.equal(config.masterKey, key);
  assert.equal(
    loadConfig({ DATABASE_URL: 'postgres://u@db/x', OPENIYS_MASTER_KEY: key, OPENIYS_SEED_DEMO: 'yes' })
      .seedDemo,
    true,
  );
});

test('every problem is reported at once', () => {
  assert.throws(
    () =>
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://db',
        OPENIYS_SEED_DEMO: 'maybe',
        LOG_LEVEL: 'loud',
      }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.problems.length, 5);
      assert.match(error.message, /PORT/);
      assert.match(error.message, /DATABASE_URL must start with postgres/);
      assert.match(error.message, /OPENIYS_MASTER_KEY is required/);
      assert.match(error.message, /OPENIYS_SEED_DEMO/);
      assert.match(error.message, /LOG_LEVEL/);
      return true;
    },
  );
  assert.throws(() => loadConfig({ OPENIYS_MASTER_KEY: 'short' }), /at least 32 bytes/);
});
