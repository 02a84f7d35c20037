import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { leafOf, mth, proof } from '../../test/helpers/rfc9162.js';
import { DEMO, recordConsent, startTestSystem, type TestSystem } from '../../test/helpers/system.js';
import { ReceiptSigner } from '../crypto/receipt-signer.js';
import { witnessConsistency } from './log-witness.js';

let t: TestSystem;
let url: string;
let phone = 0;

before(async () => {
  t = await startTestSystem({ workers: false });
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
after(() => t.close());

async function grow(count: number) {
  const token = await t.token();
  for (let i = 0; i < count; i++)
    await recordConsent(t, token, { recipient: `+90539${String(phone++).padStart(7, '0')}`, type: 'MESAJ' });
  await t.system.transparencyLog.integrate();
  return (await fetch(`${url}/log/v1/sth`)).json();
}

test('a witness confirms that the registry’s current head extends the head it saved', async () => {
  const saved = await grow(3);
  const current = await grow(4);
  const report = await witnessConsistency(url, saved);
  assert.equal(report.ok, true, report.lines.join('\n'));
  assert.deepEqual(report.current, current);
  assert.equal((await witnessConsistency(url, current)).ok, true, 'the same head again');

  const edited = await witnessConsistency(url, { ...saved, rootHash: current.rootHash });
  assert.equal(edited.ok, false);
  assert.match(edited.lines.at(-1)!, /signed payload differs/);
  assert.equal((await witnessConsistency(url, { nonsense: true })).ok, false);
  const pinnedElsewhere = await witnessConsistency(url, saved, [
    new ReceiptSigner(randomBytes(32)).publicJwk,
  ]);
  assert.match(pinnedElsewhere.lines.at(-1)!, /not among the published keys/);
});

/** A registry that rewrote leaf 2 after a witness saved its head of 5, and re-signed with its own key. */
test('a registry that rewrote its history cannot show a witness a consistent head', async () => {
  const signer = new ReceiptSigner(randomBytes(32));
  const honest = Array.from({ length: 9 }, (_, i) => leafOf(`movement ${i}`));
  const rewritten = honest.map((leaf, i) =>
    i === 2 ? leafOf('movement 2, as the registry now says') : leaf,
  );
  const head = (leaves: Buffer[], size: number) => {
    const payload = {
      treeSize: size,
      timestamp: 1_767_225_600_000 + size,
      rootHash: mth(leaves.slice(0, size)).toString('hex'),
    };
    return { ...payload, jws: signer.sign(payload) };
  };
  const saved = head(honest, 5);
  const server = createServer((request, response) => {
    const answer = request.url!.startsWith('/log/v1/keys')
      ? { keys: [signer.publicJwk] }
      : request.url!.startsWith('/log/v1/sth')
        ? head(rewritten, 9)
        : { first: 5, second: 9, consistency: proof(5, rewritten).map((h) => h.toString('hex')) };
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const report = await witnessConsistency(registry, saved);
    assert.equal(report.ok, false);
    assert.match(report.lines.at(-1)!, /does NOT extend the saved one/);
  } finally {
    server.close();
  }
});

/** `npm run cli -- log …` as an outside auditor runs it: a process of its own, files in, exit code out. */
async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'log', ...args]);
  try {
    const { stdout } = await run;
    return { code: 0, out: stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, out: failed.stdout };
  }
}

test('the CLI verifies a receipt offline and checks consistency as a witness, exiting 1 on a forgery', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'openiys-witness-'));
  try {
    const saved = await grow(2);
    const transactionId = (
      await sql<{ transaction_id: string }>`
        SELECT transaction_id FROM consent_events ORDER BY id DESC LIMIT 1`.execute(t.system.database.db)
    ).rows[0]!.transaction_id;
    await grow(1);
    const token = await t.token();
    const receipt = await (
      await fetch(`${url}/sps/${DEMO.iysCode}/brands/${DEMO.brandCode}/consents/receipt/${transactionId}`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json();
    const file = (name: string, value: unknown) => {
      writeFileSync(path.join(dir, name), JSON.stringify(value));
      return path.join(dir, name);
    };
    const keys = file('keys.json', await (await fetch(`${url}/log/v1/keys`)).json());

    const valid = await cli('verify-receipt', file('receipt.json', receipt), '--jwks', keys);
    assert.equal(valid.code, 0, valid.out);
    assert.match(valid.out, /the receipt is valid/);
    const forged = { ...receipt, canonical: receipt.canonical.replace('"ONAY"', '"RET"') };
    const invalid = await cli('verify-receipt', file('forged.json', forged), '--jwks', keys);
    assert.equal(invalid.code, 1, invalid.out);
    assert.match(invalid.out, /FAIL leaf/);

    const head = file('head.json', saved);
    const witnessed = await cli('consistency', '--from', head, '--url', url, '--jwks', keys, '--save');
    assert.equal(witnessed.code, 0, witnessed.out);
    assert.match(witnessed.out, /consistent: the first \d+ leaves are unchanged/);
    const kept = JSON.parse(readFileSync(head, 'utf8'));
    assert.deepEqual(
      kept,
      await (await fetch(`${url}/log/v1/sth`)).json(),
      'today’s head saved for next time',
    );
    const bent = file('bent.json', { ...saved, rootHash: kept.rootHash });
    assert.equal((await cli('consistency', '--from', bent, '--url', url, '--jwks', keys)).code, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
