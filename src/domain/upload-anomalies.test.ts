import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeWindow, type WindowStats } from './upload-anomalies.js';

const quiet: WindowStats = {
  total: 2000,
  onay: 1500,
  legacy: 0,
  atDeadline: 0,
  closedOrRefused: 0,
  onayToday: 1500,
  dailyOnayBaseline: 1200,
};

test('each rule flags what it names, at its thresholds, and nothing ordinary', () => {
  const cases: Array<[string, Partial<WindowStats>, string[]]> = [
    ['an ordinary hour', {}, []],
    ['a flood of HS_2015 records', { legacy: 1500 }, ['HS_2015_FLOOD']],
    ['HS_2015 under half of the window', { legacy: 900 }, []],
    ['a few HS_2015 records, all of the window', { total: 400, onay: 400, legacy: 400, onayToday: 400 }, []],
    ['nearly all at the deadline', { atDeadline: 1700 }, ['DEADLINE_EDGE']],
    ['some at the deadline', { atDeadline: 1000 }, []],
    ['ten times the usual day', { onayToday: 12_000 }, ['VOLUME_SPIKE']],
    ['a first import (no history)', { onayToday: 50_000, dailyOnayBaseline: 0 }, []],
    ['a busy but usual day', { onayToday: 11_000, dailyOnayBaseline: 1200 }, []],
    ['ONAYs for closed or refused numbers', { closedOrRefused: 100 }, ['CLOSED_OR_REFUSED']],
    ['a handful of closed numbers', { closedOrRefused: 19 }, []],
    ['a small share of closed numbers', { onay: 100_000, closedOrRefused: 4000 }, []],
    [
      'everything at once',
      { legacy: 1500, atDeadline: 1800, onayToday: 20_000, closedOrRefused: 200 },
      ['HS_2015_FLOOD', 'DEADLINE_EDGE', 'VOLUME_SPIKE', 'CLOSED_OR_REFUSED'],
    ],
    ['an empty window', { total: 0, onay: 0, onayToday: 0 }, []],
  ];
  for (const [name, change, expected] of cases)
    assert.deepEqual(
      judgeWindow({ ...quiet, ...change }).map((a) => a.rule),
      expected,
      name,
    );
});

test('a flag carries the figures behind it', () => {
  const [flag] = judgeWindow({ ...quiet, closedOrRefused: 150 });
  assert.deepEqual(flag, { rule: 'CLOSED_OR_REFUSED', details: { closedOrRefused: 150, onay: 1500 } });
});
