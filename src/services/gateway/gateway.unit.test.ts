import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { createReceiptBatcher } from '../../crypto/receipt-batcher.js';
import { hashJson, ReceiptSigner, verifyReceipt } from '../../crypto/receipt-signer.js';
import { decideCheck } from './check-decision.js';
import { ConsentIndex } from './consent-index.js';
import { checkReceiptFile } from './receipt-check.js';

test('the index keeps status and date per brand, recipient type and channel', () => {
  const index = new ConsentIndex();
  const a = randomBytes(32);
  index.set(1, 'BIREYSEL', 'MESAJ', a, { status: 'ONAY', since: 1_700_000_000 });
  index.set(1, 'BIREYSEL', 'MESAJ', a, { status: 'RET', since: 1_700_000_100 });
  index.set(2, 'BIREYSEL', 'MESAJ', a, { status: 'ONAY', since: 1_700_000_000 });
  assert.deepEqual(index.get(1, 'BIREYSEL', 'MESAJ', a), { status: 'RET', since: 1_700_000_100 });
  assert.deepEqual(index.get(2, 'BIREYSEL', 'MESAJ', a), { status: 'ONAY', since: 1_700_000_000 });
  assert.equal(index.get(1, 'BIREYSEL', 'ARAMA', a), undefined);
  assert.equal(index.get(1, 'TACIR', 'MESAJ', a), undefined);
  assert.equal(index.get(1, 'BIREYSEL', 'MESAJ', randomBytes(32)), undefined);
  assert.equal(index.size, 2);
});

test('send-time decisions', () => {
  const onay = { status: 'ONAY' as const, since: 10 };
  const ret = { status: 'RET' as const, since: 20 };
  assert.deepEqual(decideCheck(onay, undefined, undefined), { allowed: true, reason: 'ONAY', since: 10 });
  assert.deepEqual(decideCheck(ret, undefined, 'BIREYSEL'), { allowed: false, reason: 'RET', since: 20 });
  assert.deepEqual(decideCheck(undefined, undefined, undefined), { allowed: false, reason: 'NO_CONSENT' });
  assert.deepEqual(decideCheck(undefined, undefined, 'TACIR'), {
    allowed: true,
    reason: 'TACIR_WITHOUT_RET',
  });
  assert.deepEqual(decideCheck(undefined, onay, undefined), {
    allowed: true,
    reason: 'TACIR_WITHOUT_RET',
    since: 10,
  });
  assert.deepEqual(decideCheck(undefined, ret, undefined), { allowed: false, reason: 'RET', since: 20 });
  assert.deepEqual(
    decideCheck(ret, onay, undefined),
    { allowed: false, reason: 'RET', since: 20 },
    'the individual record decides first',
  );
  assert.deepEqual(decideCheck(onay, ret, 'TACIR'), { allowed: false, reason: 'RET', since: 20 });
});

test('receipts are compact EdDSA JWS that verify only with the right key and untouched content', () => {
  const signer = new ReceiptSigner(randomBytes(32));
  const results = [{ recipient: '+905321234567', allowed: true, reason: 'ONAY' }];
  const receipt = signer.sign({ sub: 'ahs:1', res: hashJson(results) });
  const verified = verifyReceipt(receipt, [signer.publicJwk]);
  assert.ok(verified.ok);
  assert.equal(verified.payload.sub, 'ahs:1');
  assert.equal(new ReceiptSigner(randomBytes(32)).publicJwk.kid === signer.publicJwk.kid, false);
  assert.deepEqual(verifyReceipt(receipt, [new ReceiptSigner(randomBytes(32)).publicJwk]), {
    ok: false,
    reason: `unknown key id ${signer.publicJwk.kid}`,
  });
  const [h, p, sig] = receipt.split('.');
  const forged = Buffer.from(JSON.stringify({ sub: 'ahs:2', res: hashJson(results) })).toString('base64url');
  assert.deepEqual(verifyReceipt(`${h}.${forged}.${sig}`, [signer.publicJwk]), {
    ok: false,
    reason: 'bad signature',
  });
  assert.equal(verifyReceipt(`${h}.${p}`, [signer.publicJwk]).ok, false);

  assert.equal(checkReceiptFile({ receipt, results }, [signer.publicJwk]).valid, true);
  const tampered = checkReceiptFile({ receipt, results: [{ ...results[0], allowed: false }] }, [
    signer.publicJwk,
  ]);
  assert.equal(tampered.valid, false);
  assert.ok(tampered.lines.includes('results: DO NOT match the receipt'));
});

test('answers of one moment share one signature, and each receipt proves only its own claims', async () => {
  const signer = new ReceiptSigner(randomBytes(32));
  let signatures = 0;
  const counting = Object.assign(Object.create(signer) as ReceiptSigner, {
    sign: (payload: Record<string, unknown>) => (signatures++, signer.sign(payload)),
  });
  const batcher = createReceiptBatcher(counting, 128);
  const claims = Array.from({ length: 200 }, (_, i) => ({ sub: `ahs:${i}`, jti: randomUUID() }));
  const receipts = await Promise.all(claims.map((c) => batcher.receiptFor(c)));
  assert.equal(signatures, 2, '200 answers in one turn: a full batch of 128 and the remaining 72');
  assert.equal(new Set(receipts.map((r) => r.split('~')[0])).size, 2);

  receipts.forEach((receipt, i) => {
    const verified = verifyReceipt(receipt, [signer.publicJwk]);
    assert.ok(verified.ok, `receipt ${i}`);
    assert.deepEqual(verified.payload, claims[i]);
    assert.equal(verified.batch?.size, i < 128 ? 128 : 72);
  });

  const [head, claimsPart, proof] = receipts[3]!.split('~') as [string, string, string];
  const forged = Buffer.from(JSON.stringify({ ...claims[3], sub: 'ahs:99' })).toString('base64url');
  assert.deepEqual(verifyReceipt(`${head}~${forged}~${proof}`, [signer.publicJwk]), {
    ok: false,
    reason: 'the claims are not in the signed batch',
  });
  const otherProof = receipts[4]!.split('~')[2];
  assert.equal(verifyReceipt(`${head}~${claimsPart}~${otherProof}`, [signer.publicJwk]).ok, false);
  assert.equal(verifyReceipt(`${head}~${claimsPart}~bm90IGpzb24`, [signer.publicJwk]).ok, false);
  assert.equal(verifyReceipt(`${head}~${claimsPart}`, [signer.publicJwk]).ok, false);
  assert.equal(verifyReceipt(receipts[3]!, [new ReceiptSigner(randomBytes(32)).publicJwk]).ok, false);

  // A later, lone answer gets a batch of one: its own signature over its own leaf.
  const lone = await batcher.receiptFor({ sub: 'ahs:lone' });
  const verified = verifyReceipt(lone, [signer.publicJwk]);
  assert.ok(verified.ok);
  assert.equal(verified.batch?.size, 1);
  assert.equal(signatures, 3);

  const results = [{ recipient: '+905321234567', allowed: true }];
  const withResults = await batcher.receiptFor({ sub: 'ahs:1', res: hashJson(results) });
  assert.equal(checkReceiptFile({ receipt: withResults, results }, [signer.publicJwk]).valid, true);
  assert.equal(
    checkReceiptFile({ receipt: withResults, results: [{ ...results[0], allowed: false }] }, [
      signer.publicJwk,
    ]).valid,
    false,
  );
});
