import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { FieldCipher } from '../../crypto/field-cipher.js';
import { createKeyRing } from '../../crypto/keys.js';
import { IysRequestError } from '../../domain/iys-errors.js';
import { laneOf } from '../../domain/write-lanes.js';
import { BulkAcceptedResponse } from '../../http/routes/consents/schema.js';
import { readHeader } from '../../domain/upload-row.js';
import { sealedConsentOf } from '../uploads/prepare-rows.js';
import { createBulkPreparer } from './accept-pool.js';
import { unpackItems } from '../../db/packed-items.js';
import type { BulkToPrepare, PreparedBulk } from './prepare-bulk.js';

const masterKey = randomBytes(32);
const cipher = new FieldCipher(createKeyRing(masterKey));
const logger = pino({ level: 'silent' });
const inline = createBulkPreparer({ threads: 0, masterKey, cipher, logger });
const threaded = createBulkPreparer({ threads: 1, masterKey, cipher, logger });
after(() => threaded.close());

const ALL_CHANNELS = ['ARAMA', 'MESAJ', 'EPOSTA'] as const;
const toPrepare = (json: string, allowedTypes: BulkToPrepare['allowedTypes'] = ALL_CHANNELS) => ({
  json,
  allowedTypes,
  requestId: randomUUID(),
  acceptedAt: Date.parse('2026-12-01T09:00:00Z'),
});
const consent = (n: number, extra: Record<string, unknown> = {}) => ({
  recipient: `+90532${String(n).padStart(7, '0')}`,
  recipientType: 'BIREYSEL',
  type: 'MESAJ',
  status: 'ONAY',
  source: 'HS_WEB',
  consentDate: '2026-11-30 10:00:00',
  ...extra,
});

describe('bulk accept threads', () => {
  it('prepare on a thread exactly what is prepared inline: sealed items, lanes, ids and the answer', async () => {
    const body = JSON.stringify([
      ...Array.from({ length: 300 }, (_, n) => consent(n)),
      consent(1, { type: 'ARAMA', source: undefined, consentDate: undefined, recipientType: 'TACIR' }),
    ]);
    const input = toPrepare(body);
    const results = [await inline.prepare(input), await threaded.prepare(input)];
    assert.equal(threaded.threads.length, 1, 'the thread started with its first request');
    const [fromInline, fromThread] = results.map((r) => {
      assert.ok(r.ok);
      return r;
    }) as [PreparedBulk, PreparedBulk];
    for (const prepared of [fromInline, fromThread]) {
      assert.equal(prepared.size, 301);
      const items = unpackItems(prepared.itemsPacked);
      items.forEach((item, i) => {
        const address = `+90532${String(i < 300 ? i : 1).padStart(7, '0')}`;
        const key = item.recipientKey;
        // The same keys on both sides: the thread's seal opens here, under the same blind index.
        assert.equal(cipher.openAddress(key, item.addressEnc), address);
        assert.deepEqual(key, cipher.blindIndex(address));
        assert.equal(prepared.itemLanes[i], laneOf(key));
        assert.ok(prepared.lanesLeft & (1 << laneOf(key)));
      });
      assert.equal(items[300]!.recipientType, 'TACIR');
      assert.equal(prepared.subrequestIdsLiteral.slice(1, -1).split(',').length, 301);
      assert.match(prepared.transactionIdsLiteral, /^\{([0-9a-f]{64},){300}[0-9a-f]{64}\}$/);
      const answer = JSON.parse(prepared.answerJson);
      assert.equal(answer.requestId, input.requestId);
      assert.equal(answer.subRequests.length, 301);
      // Every field, in the order of the answer's schema (the order its serialiser wrote before).
      const schemaOrder = Object.keys(BulkAcceptedResponse.properties.subRequests.items.properties);
      assert.deepEqual(Object.keys(answer.subRequests[0]), schemaOrder);
      assert.equal(answer.subRequests[0].creationDate, '2026-12-01 12:00:00', 'Türkiye time');
      assert.equal(answer.subRequests[300].source, undefined, 'a TACIR record without source has none');
      assert.equal(
        answer.subRequests[7].subrequestId,
        prepared.subrequestIdsLiteral.slice(1, -1).split(',')[7],
      );
    }
    assert.equal(fromInline.itemsPacked.length, fromThread.itemsPacked.length);
    assert.notEqual(
      fromInline.transactionIdsLiteral,
      fromThread.transactionIdsLiteral,
      'fresh ids each time',
    );
  });

  it('refuse bad bodies on a thread with the same İYS errors as inline', async () => {
    const deep = '['.repeat(40) + ']'.repeat(40);
    const cases: Array<[string, string, BulkToPrepare['allowedTypes']?]> = [
      ['', 'H014'],
      ['{"recipient": ', 'H014'],
      ['{"a":1}', 'H092'],
      ['[]', 'H092'],
      [deep, 'H970'],
      ['[{"__proto__":{"polluted":true}}]', 'H014'],
      [JSON.stringify([consent(1, { source: 'HS_WEB\u0000' })]), 'H969'],
      [JSON.stringify(Array.from({ length: 1001 }, (_, n) => consent(n))), 'H125'],
      [JSON.stringify([consent(1), consent(1)]), 'H194'],
      [JSON.stringify([consent(1, { status: 'MAYBE' })]), 'H115'],
      [JSON.stringify([consent(1)]), 'H355', ['ARAMA']],
    ];
    for (const [json, code, allowed] of cases) {
      const input = toPrepare(json, allowed);
      const fromInline = await inline.prepare(input);
      const fromThread = await threaded.prepare(input);
      assert.deepEqual(fromThread, fromInline, `same answer for ${json.slice(0, 40)}`);
      assert.equal(fromThread.ok, false);
      if (!fromThread.ok) assert.equal(fromThread.errors[0]!.code, code, json.slice(0, 40));
    }
  });

  it('a thread that dies mid-request fails that request with a retryable 503, and the next one works', async () => {
    const input = toPrepare(JSON.stringify(Array.from({ length: 1000 }, (_, n) => consent(n))));
    await threaded.prepare(input); // the thread is up
    const running = threaded.prepare(input);
    await threaded.threads[0]!.terminate();
    await assert.rejects(running, (error: unknown) => {
      assert.ok(error instanceof IysRequestError);
      assert.equal(error.status, 503);
      assert.equal(error.errors[0]!.code, 'H972');
      assert.equal(error.retryAfter, 5);
      return true;
    });
    const next = await threaded.prepare(input);
    assert.ok(next.ok && next.size === 1000, 'a new thread took the next request');
  });

  it(
    'a thread that dies with requests queued behind it settles each of them, and the pool keeps working',
    {
      timeout: 20_000,
    },
    async () => {
      const input = toPrepare(JSON.stringify(Array.from({ length: 1000 }, (_, n) => consent(n))));
      await threaded.prepare(input); // the thread is up
      const running = threaded.prepare(input);
      const queued = [threaded.prepare(input), threaded.prepare(input)];
      await threaded.threads[0]!.terminate();
      await assert.rejects(running, (error: unknown) => error instanceof IysRequestError);
      // Those queued behind it fail retryably or run on the thread that replaces it; none is left waiting (a
      // pool that kept no thread left them waiting forever, and every request after them).
      for (const request of queued)
        await request.then(
          (prepared) => assert.ok(prepared.ok),
          (error: unknown) => assert.ok(error instanceof IysRequestError && error.retryAfter === 5),
        );
      const next = await threaded.prepare(input);
      assert.ok(next.ok && next.size === 1000);
    },
  );

  it('prepare upload rows on a thread as inline: each row sealed in one moved buffer, or its errors', async () => {
    const { positions } = readHeader([
      'type',
      'recipient',
      'recipientType',
      'status',
      'source',
      'consentDate',
    ]);
    const row = (line: number, cells: unknown[]) => ({ line, cells });
    const address = (n: number) => `+90533${String(n).padStart(7, '0')}`;
    const rows = [
      ...Array.from({ length: 500 }, (_, n) =>
        row(n + 2, ['MESAJ', address(n), 'BIREYSEL', 'ONAY', 'HS_WEB', '2026-11-30 10:00:00']),
      ),
      row(502, ['MESAJ', address(1), 'BIREYSEL', 'MAYBE', 'HS_WEB', '2026-11-30 10:00:00']),
      row(503, ['EPOSTA', 'x'.repeat(5000), 'BIREYSEL', 'ONAY', 'HS_WEB', '2026-11-30 10:00:00']),
      row(504, ['ARAMA', 5321234567, 'TACIR', 'RET', '', '']),
    ];
    const fromInline = await inline.prepareUploadRows({ positions, rows });
    const fromThread = await threaded.prepareUploadRows({ positions, rows });
    for (const { rows: prepared, seals } of [fromInline, fromThread]) {
      assert.equal(prepared.length, 503);
      // Its own buffer, exactly the seals: a slice of Node's shared pool would have been moved whole.
      assert.equal(seals.byteOffset, 0);
      assert.equal(seals.buffer.byteLength, seals.byteLength);
      prepared.slice(0, 500).forEach((p, n) => {
        assert.ok(p.ok);
        const sealed = sealedConsentOf(p, seals);
        assert.deepEqual(sealed.recipientKey, cipher.blindIndex(address(n)));
        assert.equal(cipher.openAddress(sealed.recipientKey, sealed.addressEnc), address(n));
        assert.equal(sealed.consentDate?.toISOString(), '2026-11-30T07:00:00.000Z');
        assert.match(sealed.transactionId, /^[0-9a-f]{64}$/);
        assert.equal(p.identity, `BIREYSEL|MESAJ|${address(n)}`);
      });
      assert.deepEqual(prepared[500], fromInline.rows[500]);
      assert.equal(!prepared[500]!.ok && prepared[500]!.errors[0]!.code, 'H115');
      assert.equal(!prepared[501]!.ok && prepared[501]!.errors[0]!.code, 'H964');
      const tacir = prepared[502]!;
      assert.ok(tacir.ok, 'a phone number Excel stored as a number gets its + back');
      const sealed = sealedConsentOf(tacir, seals);
      assert.equal(cipher.openAddress(sealed.recipientKey, sealed.addressEnc), '+905321234567');
    }
    assert.notDeepEqual(fromThread.seals, fromInline.seals, 'fresh nonces each time');
  });
});
