/**
 * `npm run bench -- webhook`: a citizen's refusal (RET by SMS keyword, committed by the inbound-SMS
 * endpoint) → the signed webhook received by a local HTTP endpoint. Prints p50 and p99 over 1000 changes,
 * beside the bare loopback POST round trip measured in the same run.
 */
import { formatWireDate } from '../src/domain/wire-date.js';
import type { PortalSession } from '../src/services/portal-account.service.js';
import { SANDBOX_MESSAGING } from '../src/system.js';
import { startWebhookReceiver } from '../test/helpers/webhook-receiver.js';
import { startBenchServer } from './bench-database.js';

const CHANGES = Number(process.env.BENCH_WEBHOOK_CHANGES ?? 1000);
const phone = (i: number) => `+90533${String(i).padStart(7, '0')}`;
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))]!;

export async function benchWebhook(): Promise<void> {
  const server = await startBenchServer({
    messaging: SANDBOX_MESSAGING,
    webhooks: { allowLoopbackHttp: true },
  });
  const { system, base } = server;
  const receiver = await startWebhookReceiver();
  try {
    const token = { access_token: server.demoToken };
    // The sandbox provider's session, as its portal admin would have: the bench registers the endpoint directly.
    const sandbox = await system.database.db
      .selectFrom('providers')
      .select('id')
      .where('iys_code', '=', 700001)
      .executeTakeFirstOrThrow();
    const session = { providerId: sandbox.id } as PortalSession;
    await system.webhooks.create(session, { brandCode: 700010, url: receiver.url });

    // ONAYs first (their webhooks are drained before timing starts).
    const consentDate = formatWireDate(new Date(Date.now() - 60_000));
    const bulk = await fetch(`${base}/sps/700001/brands/700010/consents/request`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify(
        Array.from({ length: CHANGES }, (_, i) => ({
          recipient: phone(i),
          recipientType: 'BIREYSEL',
          type: 'MESAJ',
          status: 'ONAY',
          source: 'HS_WEB',
          consentDate,
        })),
      ),
    });
    if (bulk.status !== 200) throw new Error(await bulk.text());
    await receiver.waitFor(CHANGES, 120_000);

    const baseline: number[] = [];
    for (let i = 0; i < 200; i++) {
      const started = performance.now();
      await (await fetch(receiver.url, { method: 'POST', body: '{}' })).arrayBuffer();
      baseline.push(performance.now() - started);
    }
    receiver.received.length = 0;

    const latencies: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const startedAt = Date.now();
      const answer = await fetch(`${base}/inbound/sms`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-openiys-secret': SANDBOX_MESSAGING.inboundSmsSecret!,
        },
        body: JSON.stringify({ from: phone(i), text: 'RET 700010' }),
      });
      if (answer.status >= 300) throw new Error(await answer.text());
      const [hook] = (await receiver.waitFor(i + 1, 10_000)).slice(i);
      const body = JSON.parse(hook!.body) as { data: { recipient: string; status: string } };
      if (body.data.recipient !== phone(i) || body.data.status !== 'RET')
        throw new Error(`unexpected webhook ${hook!.body}`);
      latencies.push(hook!.at - startedAt);
    }
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    console.log(`webhook: ${CHANGES} citizen refusals (RET by SMS) → signed webhook received`);
    console.log(`  bare loopback POST round trip: p50 ${percentile(baseline, 50).toFixed(1)} ms`);
    console.log(
      `  refusal → webhook: p50 ${p50} ms, p99 ${p99} ms (target p99 < 1000 ms: ${p99 < 1000 ? 'met' : 'NOT met'})`,
    );
  } finally {
    await receiver.close();
    await server.close();
  }
}
