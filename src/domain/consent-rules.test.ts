import assert from 'node:assert/strict';
import { test } from 'node:test';
import { turkishWorkingCalendar } from './business-days.js';
import type { StoredConsent } from './consent.js';
import { decideTransition, type RuleInput } from './consent-rules.js';
import { parseWireDate } from './wire-date.js';

const calendar = turkishWorkingCalendar();
const at = (text: string): Date => {
  const parsed = parseWireDate(text);
  assert.ok(parsed.ok, text);
  return parsed.date;
};

const NOW = at('2026-11-25 12:00:00'); // a Wednesday
const ACTIVATED = at('2020-01-01 00:00:00');
const onay: StoredConsent = { status: 'ONAY', source: 'HS_WEB', consentDate: at('2026-11-24 10:00:00') };
const ret: StoredConsent = { status: 'RET', source: 'HS_WEB', consentDate: at('2026-11-24 10:00:00') };

const input = (
  over: Partial<Omit<RuleInput, 'consentDate'>> & { consentDate?: Date | null | string } = {},
): RuleInput => {
  const { consentDate, ...rest } = over;
  return {
    recipientType: 'BIREYSEL',
    status: 'ONAY',
    source: 'HS_WEB',
    ...rest,
    consentDate:
      typeof consentDate === 'string'
        ? at(consentDate)
        : consentDate === undefined
          ? at('2026-11-25 10:00:00')
          : consentDate,
  };
};

const cases: Array<[string, StoredConsent | null, RuleInput, string | null]> = [
  ['first ONAY is accepted', null, input(), null],
  ['first RET is refused', null, input({ status: 'RET' }), 'H175'],
  ['HS_KARAR can never be first', null, input({ status: 'RET', source: 'HS_KARAR' }), 'H175'],
  ['a trader may be recorded with RET first', null, input({ recipientType: 'TACIR', status: 'RET' }), null],
  ['ONAY on ONAY is refused', onay, input(), 'H174'],
  ['RET on RET is refused', ret, input({ status: 'RET' }), 'H174'],
  ['RET after ONAY with a later date', onay, input({ status: 'RET' }), null],
  ['HS_KARAR RET after ONAY', onay, input({ status: 'RET', source: 'HS_KARAR' }), null],
  [
    'an older date never overwrites a newer one',
    onay,
    input({ status: 'RET', consentDate: '2026-11-24 09:59:59' }),
    'H178',
  ],
  ['an equal date is not newer', onay, input({ status: 'RET', consentDate: '2026-11-24 10:00:00' }), 'H178'],
  ['before 1 May 2015', null, input({ consentDate: '2015-04-30 23:59:59' }), 'H156'],
  ['in the future', null, input({ consentDate: '2026-11-25 12:00:01' }), 'H162'],
  ['exactly now is allowed', null, input({ consentDate: '2026-11-25 12:00:00' }), null],
  // Friday 2026-11-20 → business days Mon 23, Tue 24, Wed 25: still inside on Wednesday.
  ['three business days after a Friday', null, input({ consentDate: '2026-11-20 09:00:00' }), null],
  // Thursday 2026-11-19 → Fri 20, Mon 23, Tue 24: too late on Wednesday.
  ['past the 3-business-day deadline', null, input({ consentDate: '2026-11-19 23:00:00' }), 'H901'],
  [
    'a record from before activation is legacy, not late',
    null,
    input({ consentDate: '2019-06-01 10:00:00' }),
    null,
  ],
  ['HS_2015 is always legacy', null, input({ source: 'HS_2015', consentDate: '2015-05-01 00:00:00' }), null],
  [
    'updating a trader needs a date',
    { ...onay },
    input({ recipientType: 'TACIR', status: 'RET', consentDate: null }),
    'H462',
  ],
  [
    'updating a trader needs a source',
    { ...onay },
    input({ recipientType: 'TACIR', status: 'RET', source: null }),
    'H463',
  ],
];

for (const [name, stored, record, code] of cases) {
  test(name, () => {
    const decision = decideTransition({ stored, input: record, now: NOW, activatedAt: ACTIVATED, calendar });
    if (code === null) {
      assert.ok(decision.ok, JSON.stringify(decision));
      assert.equal(decision.next.status, record.status);
    } else {
      assert.equal(decision.ok, false);
      if (!decision.ok) assert.equal(decision.errors[0]?.code, code);
    }
  });
}

test('H174 names the status already held', () => {
  const decision = decideTransition({
    stored: onay,
    input: input(),
    now: NOW,
    activatedAt: ACTIVATED,
    calendar,
  });
  assert.equal(decision.ok, false);
  if (!decision.ok) assert.match(decision.errors[0]!.message, /İzin durumu: ONAY$/);
});

test('a new trader without a date is dated at the moment of recording, to the second', () => {
  const decision = decideTransition({
    stored: null,
    input: input({ recipientType: 'TACIR', consentDate: null, source: null }),
    now: new Date('2026-11-25T09:00:00.789Z'),
    activatedAt: ACTIVATED,
    calendar,
  });
  assert.ok(decision.ok);
  assert.equal(decision.next.consentDate.toISOString(), '2026-11-25T09:00:00.000Z');
  assert.equal(decision.next.source, null);
});
