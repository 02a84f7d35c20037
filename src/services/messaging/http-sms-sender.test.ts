import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { after, before, test } from 'node:test';
import { createHttpSmsSender, fillTemplate } from './http-sms-sender.js';

let received: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
let status = 200;
const server = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => {
    received.push({ headers: request.headers, body });
    response.writeHead(status).end();
  });
});
let url = '';
before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/sms`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('template placeholders are filled JSON-escaped, so any text keeps the body valid JSON', () => {
  const body = fillTemplate('{"to":"{{to}}","text":"{{text}}","keep":"{{unknown}}"}', {
    to: '+905321234567',
    text: 'Tırnak " ve \\ ters bölü\nyeni satır',
  });
  assert.deepEqual(JSON.parse(body), {
    to: '+905321234567',
    text: 'Tırnak " ve \\ ters bölü\nyeni satır',
    keep: '{{unknown}}',
  });
});

test('an SMS is POSTed to the operator with its auth header and templated body', async () => {
  received = [];
  status = 202;
  const sender = createHttpSmsSender({
    url,
    authorization: 'Bearer op-secret',
    bodyTemplate: '{"from":"{{from}}","msisdn":"{{to}}","message":"{{text}}"}',
    from: 'IYS',
  });
  await sender.send({ channel: 'sms', to: '+905321234567', text: 'İYS doğrulama kodunuz: 123456' });
  assert.equal(received.length, 1);
  assert.equal(received[0]!.headers.authorization, 'Bearer op-secret');
  assert.equal(received[0]!.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(received[0]!.body), {
    from: 'IYS',
    msisdn: '+905321234567',
    message: 'İYS doğrulama kodunuz: 123456',
  });
});

test('an operator error is thrown, so the send job retries it', async () => {
  status = 503;
  const sender = createHttpSmsSender({ url, bodyTemplate: '{"to":"{{to}}","text":"{{text}}"}', from: 'IYS' });
  await assert.rejects(
    sender.send({ channel: 'sms', to: '+905321234567', text: 'x' }),
    /SMS operator answered 503/,
  );
});
