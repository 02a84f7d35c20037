import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
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

const PRODUCTION = {
  DATABASE_URL: 'postgres://u@db/openiys',
  OPENIYS_MASTER_KEY: 'ab'.repeat(32),
  SMTP_URL: 'smtp://mail.example:587',
  SMS_HTTP_URL: 'https://sms.example/send',
};

test('the sandbox is on by default only for the embedded database on loopback', () => {
  for (const host of ['127.0.0.1', 'localhost', '::1', '127.0.0.2']) {
    assert.equal(loadConfig({ HOST: host }).sandbox, true, host);
  }
  const sandbox = loadConfig({});
  assert.equal(sandbox.seedDemo, true);
  assert.equal(sandbox.webhookAllowLoopbackHttp, true);
  assert.equal(sandbox.inboundSmsSecret, 'sandbox-inbound-sms-secret');

  const production = loadConfig(PRODUCTION);
  assert.equal(production.sandbox, false);
  assert.equal(production.seedDemo, false);
  assert.equal(production.webhookAllowLoopbackHttp, false);
  assert.equal(production.inboundSmsSecret, undefined);
  // The embedded database serving the network is not a sandbox either.
  const networked = loadConfig({
    HOST: '0.0.0.0',
    SMTP_URL: PRODUCTION.SMTP_URL,
    SMS_HTTP_URL: PRODUCTION.SMS_HTTP_URL,
  });
  assert.equal(networked.sandbox, false);
  assert.equal(networked.seedDemo, false);
});

test('outside the sandbox a start without an SMS or e-mail adapter is refused, saying what is missing', () => {
  for (const env of [
    { DATABASE_URL: PRODUCTION.DATABASE_URL, OPENIYS_MASTER_KEY: PRODUCTION.OPENIYS_MASTER_KEY },
    { HOST: '0.0.0.0' },
  ]) {
    assert.throws(
      () => loadConfig(env),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /SMTP_URL is required outside the sandbox/);
        assert.match(error.message, /SMS_HTTP_URL is required outside the sandbox/);
        return true;
      },
    );
  }
  assert.throws(() => loadConfig({ ...PRODUCTION, SMTP_URL: '' }), /SMTP_URL is required/);
});

test('sandbox conveniences are refused outside the sandbox, and the sandbox can be chosen explicitly', () => {
  for (const name of ['OPENIYS_SEED_DEMO', 'OPENIYS_WEBHOOK_ALLOW_LOOPBACK_HTTP']) {
    assert.throws(
      () => loadConfig({ ...PRODUCTION, [name]: 'true' }),
      new RegExp(`${name} is a sandbox convenience`),
    );
    assert.equal(
      loadConfig({ [name]: 'false' })[name === 'OPENIYS_SEED_DEMO' ? 'seedDemo' : 'webhookAllowLoopbackHttp'],
      false,
    );
  }
  const explicit = loadConfig({
    DATABASE_URL: PRODUCTION.DATABASE_URL,
    OPENIYS_MASTER_KEY: PRODUCTION.OPENIYS_MASTER_KEY,
    OPENIYS_SANDBOX: 'true',
  });
  assert.equal(explicit.sandbox, true);
  assert.equal(explicit.seedDemo, true);
  assert.equal(loadConfig({ OPENIYS_SANDBOX: 'false', ...PRODUCTION, DATABASE_URL: '' }).sandbox, false);
  assert.throws(() => loadConfig({ OPENIYS_SANDBOX: 'maybe' }), /OPENIYS_SANDBOX must be true or false/);
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
      assert.equal(error.problems.length, 7);
      assert.match(error.message, /PORT/);
      assert.match(error.message, /DATABASE_URL must start with postgres/);
      assert.match(error.message, /OPENIYS_MASTER_KEY is required/);
      assert.match(error.message, /OPENIYS_SEED_DEMO/);
      assert.match(error.message, /LOG_LEVEL/);
      assert.match(error.message, /SMTP_URL is required/);
      assert.match(error.message, /SMS_HTTP_URL is required/);
      return true;
    },
  );
  assert.throws(() => loadConfig({ OPENIYS_MASTER_KEY: 'short' }), /at least 32 bytes/);
});

test('one server process per core unless OPENIYS_PROCESSES says otherwise; a worker runs one', () => {
  assert.equal(loadConfig({}).processes, Math.min(availableParallelism(), 64));
  assert.equal(loadConfig({ OPENIYS_PROCESSES: '3' }).processes, 3);
  assert.equal(loadConfig({ OPENIYS_PROCESSES: '3', OPENIYS_ROLE: 'worker' }).processes, 1);
  for (const bad of ['0', '65', '1.5', 'many'])
    assert.throws(
      () => loadConfig({ OPENIYS_PROCESSES: bad }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /OPENIYS_PROCESSES must be an integer from 1 to 64/.test(error.message),
      bad,
    );
});

test('issue 14 settings: the identity provider, the complaint deadline and retention periods', () => {
  const oidc = loadConfig({
    ...PRODUCTION,
    OPENIYS_OIDC_ISSUER: 'https://giris.turkiye.gov.tr',
    OPENIYS_OIDC_CLIENT_ID: 'openiys',
    OPENIYS_OIDC_ID_CLAIM: 'tckn',
  }).oidc;
  assert.deepEqual(
    [oidc?.issuer, oidc?.clientId, oidc?.idClaim, oidc?.name, oidc?.scopes, oidc?.allowHttp],
    ['https://giris.turkiye.gov.tr', 'openiys', 'tckn', 'e-Devlet', 'openid email phone', false],
  );
  assert.equal(loadConfig(PRODUCTION).oidc, undefined, 'codes only unless an issuer is named');
  assert.throws(
    () => loadConfig({ ...PRODUCTION, OPENIYS_OIDC_ISSUER: 'http://idp.example' }),
    (error: ConfigError) =>
      error.problems.some((p) => /OPENIYS_OIDC_CLIENT_ID is required/.test(p)) &&
      error.problems.some((p) => /must be https outside the sandbox/.test(p)),
  );
  const defaults = loadConfig({});
  assert.deepEqual(
    [defaults.complaintAnswerDays, defaults.retention.refusalDays, defaults.retention.operationalDays],
    [10, 1095, 90],
  );
  assert.throws(
    () => loadConfig({ OPENIYS_RETENTION_REFUSAL_DAYS: '30' }),
    (error: ConfigError) =>
      error.problems.some((p) => /OPENIYS_RETENTION_REFUSAL_DAYS must be an integer from 365/.test(p)),
  );
});
