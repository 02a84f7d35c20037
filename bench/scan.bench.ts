/**
 * Enumerating the registry through the gateway (issue 10, item 5): an account asks about 10 blocks of
 * 10,000 sequential numbers, as the red team did. Run twice in one process: without the scan guard (the
 * baseline, what openiys answered before) and with the default limits. Printed: how many numbers were
 * answered, how long that took, and how long the whole range takes at the rate the guard allows.
 */
import { formatWireDate } from '../src/domain/wire-date.js';
import { DEFAULT_ABUSE_LIMITS } from '../src/services/abuse-guard.service.js';
import { startBenchServer } from './bench-database.js';

const BLOCKS = 10;
const BLOCK = 10_000;
const FIRST = 5320000000;

async function enumerate(guarded: boolean) {
  const server = await startBenchServer(guarded ? { abuseLimits: DEFAULT_ABUSE_LIMITS } : {});
  const { system, base } = server;
  try {
    // A few ONAY holders inside the range, the treasure a scanner is after.
    const consentDate = formatWireDate(new Date(Date.now() - 3600_000));
    const batch = Array.from({ length: 20 }, (_, i) => ({
      recipient: `+90${FIRST + i * 4_999}`,
      recipientType: 'BIREYSEL',
      type: 'MESAJ',
      status: 'ONAY',
      source: 'HS_WEB',
      consentDate,
    }));
    const recorded = await fetch(`${base}/sps/700001/brands/700010/consents/request`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.demoToken}` },
      body: JSON.stringify(batch),
    });
    if (recorded.status !== 200) throw new Error(await recorded.text());
    while (system.gateway.index.size < batch.length) await new Promise((resolve) => setTimeout(resolve, 50));

    const account = await system.gateway.addAccount('Tarayan', ['MESAJ'], { seesDetail: true });
    let answered = 0;
    let found = 0;
    let retryAfter = 0;
    const started = performance.now();
    for (let block = 0; block < BLOCKS; block++) {
      const recipients = Array.from({ length: BLOCK }, (_, i) => `+90${FIRST + block * BLOCK + i}`);
      const response = await fetch(`${base}/gateway/v1/check`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${account.token}` },
        body: JSON.stringify({ brandCode: 700010, type: 'MESAJ', recipients }),
      });
      if (response.status === 200) {
        const { results } = (await response.json()) as { results: { allowed: boolean }[] };
        answered += results.length;
        found += results.filter((r) => r.allowed).length;
      } else {
        retryAfter = Math.max(retryAfter, Number(response.headers.get('retry-after') ?? 0));
        await response.body?.cancel();
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const total = BLOCKS * BLOCK;
    // The guard lets an allowance through per hour: the rest of the range waits for later hours.
    const allowance = guarded ? DEFAULT_ABUSE_LIMITS.gatewayScanRecipientsPerHour : total;
    const hoursLeft = answered >= total ? 0 : Math.ceil((total - answered) / allowance);
    return { answered, found, seconds, enumerationSeconds: seconds + hoursLeft * 3600, retryAfter };
  } finally {
    await server.close();
  }
}

export async function benchScan(): Promise<void> {
  const open = await enumerate(false);
  const guarded = await enumerate(true);
  const line = (name: string, r: typeof open) =>
    `${name}: ${r.answered.toLocaleString('en')} of ${(BLOCKS * BLOCK).toLocaleString('en')} numbers answered ` +
    `(${r.found} ONAY holders found) in ${r.seconds.toFixed(1)} s; whole range: ${r.enumerationSeconds.toFixed(0)} s`;
  console.log('\n== gateway range scan: 10 × 10,000 sequential numbers ==');
  console.log(line('without the guard (baseline)', open));
  console.log(
    line('with the default limits     ', guarded) + ` (refused with Retry-After ${guarded.retryAfter} s)`,
  );
  console.log(`enumeration slowed ${(guarded.enumerationSeconds / open.enumerationSeconds).toFixed(0)}× `);
}
