import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestSystem, type TestSystem } from '../../../../test/helpers/system.js';

let t: TestSystem;
before(async () => {
  t = await startTestSystem({ workers: false });
});
after(() => t.close());

test('health and readiness', async () => {
  assert.deepEqual((await t.app.inject('/health')).json(), { status: 'ok' });
  const ready = await t.app.inject('/ready');
  assert.equal(ready.statusCode, 200);
  assert.deepEqual(ready.json(), { status: 'ready' });
});

test('metrics are Prometheus text, labelled by route pattern', async () => {
  await t.app.inject('/health');
  const response = await t.app.inject('/metrics');
  assert.equal(response.statusCode, 200);
  assert.match(response.headers['content-type'] as string, /text\/plain/);
  assert.match(
    response.body,
    /openiys_http_requests_total\{route="\/health",method="GET",status="200"\} \d+/,
  );
  assert.match(response.body, /openiys_process_cpu_seconds_total/);
  assert.match(response.body, /openiys_bulk_requests_unfinished 0/);
  assert.match(response.body, /openiys_outbox_messages\{status="failed"\} 0/);
});

test('with a metrics token, /metrics answers only that bearer token', async () => {
  const token = 'm'.repeat(40);
  const guarded = await startTestSystem({ workers: false, metricsAccess: { token } });
  try {
    for (const authorization of [undefined, 'Bearer wrong', `Basic ${token}`, `Bearer ${token}x`]) {
      const refused = await guarded.app.inject({
        url: '/metrics',
        headers: authorization ? { authorization } : {},
      });
      assert.equal(refused.statusCode, 401, authorization);
      assert.equal(refused.json().errors[0].code, 'H973');
      assert.doesNotMatch(refused.body, /openiys_http_requests_total/);
    }
    const allowed = await guarded.app.inject({
      url: '/metrics',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(allowed.statusCode, 200);
    assert.match(allowed.body, /openiys_http_requests_total/);
  } finally {
    await guarded.close();
  }
});

test('the OpenAPI document lists the İYS endpoints, and the docs UI is served', async () => {
  const spec = (await t.app.inject('/openapi.json')).json();
  assert.equal(spec.openapi, '3.1.0');
  for (const path of [
    '/oauth2/token',
    '/sps/{iysCode}/brands',
    '/sps/{iysCode}/brands/{brandCode}/consents',
    '/sps/{iysCode}/brands/{brandCode}/consents/request',
    '/sps/{iysCode}/brands/{brandCode}/consents/request/{requestId}',
    '/sps/{iysCode}/brands/{brandCode}/consents/status',
    '/sps/{iysCode}/brands/{brandCode}/consents/{recipientType}/status/{type}',
    '/sps/{iysCode}/brands/{brandCode}/consents/changes',
  ]) {
    assert.ok(spec.paths[path], `missing ${path}`);
  }
  const docs = await t.app.inject('/docs/');
  assert.equal(docs.statusCode, 200);
  assert.match(docs.body, /<html/i);
});

test('unknown paths answer with the İYS error shape', async () => {
  const response = await t.app.inject('/nowhere');
  assert.equal(response.statusCode, 404);
  assert.equal(response.json().errors[0].code, 'H904');
});
