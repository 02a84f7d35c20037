import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { acceptOnays, startTestSystem, type TestSystem } from '../../test/helpers/system.js';

/** An SMS operator that takes 5 ms per message, as a real one does: 2,000 notices are seconds of work. */
let operator: Server;
let smsReceived = 0;
let t: TestSystem;
before(async () => {
  operator = createServer((request, response) => {
    request.resume().on('end', () => {
      smsReceived++;
      setTimeout(() => response.writeHead(200).end('{}'), 5);
    });
  });
  await new Promise<void>((resolve) => operator.listen(0, '127.0.0.1', resolve));
  const { port } = operator.address() as { port: number };
  t = await startTestSystem({ smsHttpUrl: `http://127.0.0.1:${port}/sms`, noticesPerSecond: 200 });
});
after(async () => {
  await t.close();
  operator.close();
});

test('a sign-in code does not wait behind a flood of ONAY notices', async () => {
  const token = await t.token();
  for (let r = 0; r < 2; r++) {
    const recipients = Array.from(
      { length: 1000 },
      (_, i) => `+90533${String(r * 1000 + i).padStart(7, '0')}`,
    );
    await acceptOnays(t, token, recipients);
  }
  // The notices are flowing to the operator.
  for (let i = 0; i < 300 && smsReceived < 50; i++) await sleep(100);
  assert.ok(smsReceived >= 50, `notices did not start: ${smsReceived}`);

  const address = 'bekleyen@example.com';
  const asked = await t.app.inject({ method: 'POST', url: '/api/citizen/sign-in', payload: { address } });
  assert.equal(asked.statusCode, 200, asked.body);
  await t.system.devOutbox!.waitFor((m) => m.to === address && /kodunuz/.test(m.text), 30_000);
  assert.ok(smsReceived < 1500, `the code waited for ${smsReceived} of 2,000 notices`);
});
