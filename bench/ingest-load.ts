/**
 * The ingest benchmark's load generator, run as its own process so that building and sending requests
 * does not share the server's CPU time or event loop: posts `total` consents in bulk requests of 1000,
 * `inFlight` at a time, and prints one JSON line with how long that took.
 * Usage: node --import tsx bench/ingest-load.ts <server url> <token> <total> <inFlight> [first number]
 * The numbers are +90532… from `first number` on (default 0), so a second load in one run adds new consents.
 */
import { formatWireDate } from '../src/domain/wire-date.js';
import { runWithConcurrency } from './bench-database.js';

const [url, token, totalArg, inFlightArg, firstArg] = process.argv.slice(2);
const total = Number(totalArg);
const first = Number(firstArg ?? 0);
const BATCH = 1000;
const consentDate = formatWireDate(new Date(Date.now() - 120_000));
const bodies = Array.from({ length: total / BATCH }, (_, b) =>
  JSON.stringify(
    Array.from({ length: BATCH }, (_, i) => ({
      recipient: `+90532${String(first + b * BATCH + i).padStart(7, '0')}`,
      recipientType: 'BIREYSEL',
      type: 'MESAJ',
      status: 'ONAY',
      source: 'HS_WEB',
      consentDate,
    })),
  ),
);
const started = performance.now();
await runWithConcurrency(
  bodies.map((body) => async () => {
    const response = await fetch(`${url}/sps/700001/brands/700010/consents/request`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    });
    if (response.status !== 200)
      throw new Error(`bulk request failed: ${response.status} ${await response.text()}`);
  }),
  Number(inFlightArg),
);
console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000 }));
