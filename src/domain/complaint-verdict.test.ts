import assert from 'node:assert/strict';
import { test } from 'node:test';
import { turkishWorkingCalendar } from './business-days.js';
import { prescreenComplaint, type EvidenceEvent } from './complaint-verdict.js';
import { parseWireDate } from './wire-date.js';

const calendar = turkishWorkingCalendar();
const at = (text: string) => {
  const parsed = parseWireDate(text);
  assert.ok(parsed.ok, text);
  return parsed.date;
};
const event = (recipientType: 'BIREYSEL' | 'TACIR', status: 'ONAY' | 'RET', date: string): EvidenceEvent => ({
  recipientType,
  status,
  source: 'HS_WEB',
  consentDate: at(date),
  creationDate: at(date),
  transactionId: `${status}-${date}`,
});

const history = [
  event('BIREYSEL', 'ONAY', '2026-11-02 10:00:00'),
  event('BIREYSEL', 'RET', '2026-11-20 09:00:00'),
];

const cases: Array<[string, EvidenceEvent[], string, string, string | null]> = [
  ['nothing ever recorded', [], '2026-11-25 12:00:00', 'NO_CONSENT', null],
  ['received before the first consent', history, '2026-11-01 12:00:00', 'NO_CONSENT', null],
  ['ONAY in force at receipt', history, '2026-11-10 12:00:00', 'ONAY_IN_FORCE', 'ONAY-2026-11-02 10:00:00'],
  // RET on Friday 20 Nov: the sender may still be stopping until the end of Wednesday 25 Nov.
  [
    'inside the 3-business-day grace period',
    history,
    '2026-11-25 23:59:59',
    'RET_GRACE_PERIOD',
    'RET-2026-11-20 09:00:00',
  ],
  [
    'RET in force for longer: a likely violation',
    history,
    '2026-11-26 00:00:00',
    'RET_IN_FORCE',
    'RET-2026-11-20 09:00:00',
  ],
  [
    'a trader without RET',
    [event('TACIR', 'ONAY', '2026-11-02 10:00:00')],
    '2026-11-10 12:00:00',
    'TACIR_WITHOUT_RET',
    'ONAY-2026-11-02 10:00:00',
  ],
  [
    'a trader with a RET long in force',
    [event('TACIR', 'RET', '2026-11-02 10:00:00')],
    '2026-11-20 12:00:00',
    'RET_IN_FORCE',
    'RET-2026-11-02 10:00:00',
  ],
  [
    'the individual record outweighs the trader one',
    [event('TACIR', 'ONAY', '2026-11-02 10:00:00'), ...history],
    '2026-11-30 12:00:00',
    'RET_IN_FORCE',
    'RET-2026-11-20 09:00:00',
  ],
];

for (const [name, events, receivedAt, verdict, inForce] of cases) {
  test(name, () => {
    const evidence = prescreenComplaint(events, at(receivedAt), calendar);
    assert.equal(evidence.verdict, verdict);
    assert.equal(evidence.inForce?.transactionId ?? null, inForce);
  });
}

test('a RET verdict names the end of the grace period', () => {
  const evidence = prescreenComplaint(history, at('2026-11-30 12:00:00'), calendar);
  assert.equal(evidence.graceEndsAt?.toISOString(), at('2026-11-26 00:00:00').toISOString());
});

test('an ONAY recorded after the message, back-dated by its sender, does not make the message allowed', () => {
  const backdated: EvidenceEvent = {
    ...event('BIREYSEL', 'ONAY', '2026-11-10 09:00:00'),
    creationDate: at('2026-11-12 15:00:00'),
    transactionId: 'late-onay',
  };
  const evidence = prescreenComplaint([backdated], at('2026-11-11 10:00:00'), calendar);
  assert.equal(evidence.verdict, 'NO_CONSENT');
  assert.equal(evidence.inForce, null);
  assert.deepEqual(
    evidence.backdated.map((e) => e.transactionId),
    ['late-onay'],
  );
  // Recorded before the message: it counts, and nothing is flagged.
  const onTime = prescreenComplaint([backdated], at('2026-11-13 10:00:00'), calendar);
  assert.equal(onTime.verdict, 'ONAY_IN_FORCE');
  assert.deepEqual(onTime.backdated, []);
});

test('a RET back-dated over an ONAY: the ONAY recorded at the time decides, the RET is flagged', () => {
  const events: EvidenceEvent[] = [
    event('BIREYSEL', 'ONAY', '2026-11-02 10:00:00'),
    { ...event('BIREYSEL', 'RET', '2026-11-05 10:00:00'), creationDate: at('2026-11-20 10:00:00') },
  ];
  const evidence = prescreenComplaint(events, at('2026-11-10 12:00:00'), calendar);
  assert.equal(evidence.verdict, 'ONAY_IN_FORCE');
  assert.equal(evidence.backdated.length, 1);
});
