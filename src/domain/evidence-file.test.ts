import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_EVIDENCE_BYTES, sniffEvidence } from './evidence-file.js';

test('evidence is judged by its bytes: PDF, PNG, JPEG or JSON, nothing else, nothing empty or too large', () => {
  const cases: Array<[Buffer, string | null]> = [
    [Buffer.from('%PDF-1.7\n…'), 'application/pdf'],
    [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]), 'image/png'],
    [Buffer.from([0xff, 0xd8, 0xff, 0xe0]), 'image/jpeg'],
    [Buffer.from('{"form":"kampanya","ip":"203.0.113.7","at":"2026-12-01 10:00:00"}'), 'application/json'],
    [Buffer.from('\uFEFF [ {"a": 1} ]'), 'application/json'],
    [Buffer.from('{"unclosed": '), null],
    [Buffer.from('"just a string"'), null],
    [Buffer.from('<html><script>alert(1)</script>'), null],
    [Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), null], // not UTF-8
    [Buffer.from('PK\x03\x04 a zip'), null],
    [Buffer.alloc(0), null],
    [Buffer.concat([Buffer.from('%PDF-'), Buffer.alloc(MAX_EVIDENCE_BYTES)]), null],
  ];
  for (const [data, expected] of cases)
    assert.equal(sniffEvidence(data), expected, data.subarray(0, 20).toString());
});
