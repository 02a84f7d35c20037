import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { leafOf, mth, proof } from '../../test/helpers/rfc9162.js';
import { recordConsent, startTestSystem, type TestSystem } from '../../test/helpers/system.js';
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
