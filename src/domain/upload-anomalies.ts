/**
 * Suspicious submissions (issue 14): what a brand's sender (an API user or a portal user) sent in one hour,
 * judged by pure rules. A flag is a reason to look, not a verdict: the regulator and the company both see it.
 */
export interface WindowStats {
  /** Movements recorded in the window. */
  total: number;
  onay: number;
  /** `HS_2015` records: consents said to predate the registry. */
  legacy: number;
  /** Records that arrived within their last day before the 3-business-day deadline. */
  atDeadline: number;
  /** ONAYs for numbers closed by their operator, or refused, in the 90 days before. */
  closedOrRefused: number;
  /** The brand's ONAYs recorded so far on the window's day, and its daily average over the 30 days before. */
  onayToday: number;
  dailyOnayBaseline: number;
}

export type AnomalyRule = 'HS_2015_FLOOD' | 'DEADLINE_EDGE' | 'VOLUME_SPIKE' | 'CLOSED_OR_REFUSED';

export interface Anomaly {
  rule: AnomalyRule;
  /** The figures behind the flag, for the reader. */
  details: Record<string, number>;
}

export type AnomalyLimits = Record<
  | 'legacyMin'
  | 'legacyShare'
  | 'deadlineMin'
  | 'deadlineShare'
  | 'spikeMin'
  | 'spikeFactor'
  | 'closedMin'
  | 'closedShare',
  number
>;

/** The thresholds: a flag needs both a count worth looking at and a share that is not ordinary. */
export const ANOMALY_LIMITS: Readonly<AnomalyLimits> = {
  legacyMin: 500,
  legacyShare: 0.5,
  deadlineMin: 100,
  deadlineShare: 0.8,
  /** ONAYs in a day, and how many times the brand's usual day. */
  spikeMin: 1000,
  spikeFactor: 10,
  closedMin: 20,
  closedShare: 0.05,
};

export function judgeWindow(stats: WindowStats, limits: Readonly<AnomalyLimits> = ANOMALY_LIMITS): Anomaly[] {
  const flags: Anomaly[] = [];
  const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);
  if (stats.legacy >= limits.legacyMin && share(stats.legacy, stats.total) >= limits.legacyShare)
    flags.push({ rule: 'HS_2015_FLOOD', details: { legacy: stats.legacy, total: stats.total } });
  if (stats.atDeadline >= limits.deadlineMin && share(stats.atDeadline, stats.total) >= limits.deadlineShare)
    flags.push({ rule: 'DEADLINE_EDGE', details: { atDeadline: stats.atDeadline, total: stats.total } });
  // A brand without history (a company's first import) has no usual day to compare with.
  if (
    stats.onayToday >= limits.spikeMin &&
    stats.dailyOnayBaseline > 0 &&
    stats.onayToday >= limits.spikeFactor * stats.dailyOnayBaseline
  )
    flags.push({
      rule: 'VOLUME_SPIKE',
      details: { onayToday: stats.onayToday, dailyOnayBaseline: Math.round(stats.dailyOnayBaseline) },
    });
  if (
    stats.closedOrRefused >= limits.closedMin &&
    share(stats.closedOrRefused, stats.onay) >= limits.closedShare
  )
    flags.push({
      rule: 'CLOSED_OR_REFUSED',
      details: { closedOrRefused: stats.closedOrRefused, onay: stats.onay },
    });
  return flags;
}
