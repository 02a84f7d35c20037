/**
 * `npm run bench -- status`: a provider polling the result of a 1000-item bulk request
 * (`GET …/consents/request/{requestId}`), the look-up İYS clients repeat until every item is final, against
 * `GET /health` on the same server in the same run. Load from autocannon in a separate process; each load
 * follows one uncounted second of itself (warmLoad).
 */
import { randomBytes } from 'node:crypto';
import { DURATION_S, warmLoad } from './autocannon.js';
import { startBenchServer } from './bench-database.js';

const ITEMS = 1000;

export async function benchStatus(): Promise<void> {
  const server = await startBenchServer({ masterKey: randomBytes(32) });
  try {
    const provider = { 'content-type': 'application/json', authorization: `Bearer ${server.demoToken}` };
    // Legacy records (HS_2015) send no notices, so no notice delivery runs beside the measurement.
    const items = Array.from({ length: ITEMS }, (_, i) => ({
      recipient: `+90533${String(i).padStart(7, '0')}`,
      recipientType: 'BIREYSEL',
      type: 'MESAJ',
      status: 'ONAY',
      source: 'HS_2015',
      consentDate: '2015-05-01 00:00:00',
    }));
    const accepted = await fetch(`${server.base}/sps/700001/brands/700010/consents/request`, {
      method: 'POST',
      headers: provider,
      body: JSON.stringify(items),
    });
    if (accepted.status !== 200) throw new Error(await accepted.text());
    const { requestId } = (await accepted.json()) as { requestId: string };
    while ((await server.system.bulk.countUnfinished()) > 0) await new Promise((r) => setTimeout(r, 50));
    const url = `${server.base}/sps/700001/brands/700010/consents/request/${requestId}`;
    const answer = await fetch(url, { headers: provider });
    const bytes = (await answer.arrayBuffer()).byteLength;

    const health = await warmLoad(`${server.base}/health`, {});
    const status = await warmLoad(url, { headers: provider });
    const fmt = (n: number) => Math.round(n).toLocaleString('en');
    console.log(`status: one ${ITEMS}-item bulk request, applied; ${DURATION_S} s per load, 10 connections`);
    console.log(`  GET /health                : ${fmt(health)} req/s`);
    console.log(
      `  its result (${fmt(bytes / 1024)} KB)       : ${fmt(status)} req/s = ${fmt(status * ITEMS)} items/s → ratio ${(status / health).toFixed(3)}`,
    );
  } finally {
    await server.close();
  }
}
