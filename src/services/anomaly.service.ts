import { businessDeadline, type WorkingCalendar } from '../domain/business-days.js';
import { UPLOAD_DEADLINE_BUSINESS_DAYS } from '../domain/consent-rules.js';
import { ANOMALY_LIMITS, judgeWindow, type AnomalyLimits } from '../domain/upload-anomalies.js';
import { startOfTurkeyDay, turkeyDay, formatWireDate } from '../domain/wire-date.js';
import type { AnomalyRepository, SenderWindow } from '../repositories/anomaly.repository.js';
import type { CompanyMail } from './company-mail.js';

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
/** Hours judged per scan at most: a registry that was down catches up over a few scans. */
const MAX_HOURS_PER_SCAN = 48;

const RULE_TEXT: Record<string, string> = {
  HS_2015_FLOOD: 'kayıtların çoğu HS_2015 (İYS öncesi) olarak gönderildi',
  DEADLINE_EDGE: 'kayıtların çoğu 3 iş günlük sürenin son gününde gönderildi',
  VOLUME_SPIKE: 'markanın günlük onay sayısı olağan gününün çok üstünde',
  CLOSED_OR_REFUSED: 'onayların bir kısmı son 90 günde kapatılan veya ret veren numaralar için',
};

/**
 * Suspicious submissions (issue 14): every complete hour, each brand's senders (an API user, a portal user)
 * are judged by the pure rules of domain/upload-anomalies.ts on what the registry recorded from them in that
 * hour, whatever the channel (single adds, bulk requests, files). A flag is kept once, shown in the console,
 * and its company's admins are e-mailed.
 */
export function createAnomalyService(deps: {
  anomalies: AnomalyRepository;
  calendar: WorkingCalendar;
  notifyCompany: CompanyMail;
  limits?: Partial<AnomalyLimits>;
  clock?: () => Date;
}) {
  const { anomalies, calendar, notifyCompany, clock = () => new Date() } = deps;
  const limits = { ...ANOMALY_LIMITS, ...deps.limits };

  /** Records of the window that arrived within the last day before their upload deadline. */
  function atDeadline(window: SenderWindow, windowStart: Date): number {
    let n = 0;
    for (const [day, count] of Object.entries(window.by_consent_day ?? {})) {
      const deadline = businessDeadline(startOfTurkeyDay(day), UPLOAD_DEADLINE_BUSINESS_DAYS, calendar);
      const left = deadline.getTime() - windowStart.getTime();
      if (left > 0 && left <= DAY_MS) n += count;
    }
    return n;
  }

  async function judgeHour(start: Date) {
    const end = new Date(start.getTime() + HOUR_MS);
    let flagged = 0;
    const dayStart = startOfTurkeyDay(turkeyDay(start));
    for (const window of await anomalies.windows(start, end)) {
      // The day's count is read only for a sender of ONAYs, the month's only when the day could be a spike.
      const onayToday = window.onay > 0 ? await anomalies.countOnays(window.brand_id, dayStart, end) : 0;
      const baseline =
        onayToday >= limits.spikeMin
          ? (await anomalies.countOnays(
              window.brand_id,
              new Date(dayStart.getTime() - 30 * DAY_MS),
              dayStart,
            )) / 30
          : 0;
      const found = judgeWindow(
        {
          total: window.total,
          onay: window.onay,
          legacy: window.legacy,
          atDeadline: atDeadline(window, start),
          closedOrRefused: window.closed_or_refused,
          onayToday,
          dailyOnayBaseline: baseline,
        },
        limits,
      );
      for (const anomaly of found) {
        const fresh = await anomalies.insertFlag({
          brand_id: window.brand_id,
          sender: window.sender,
          window_start: start,
          rule: anomaly.rule,
          details: anomaly.details,
          created_at: clock(),
        });
        if (!fresh) continue;
        flagged++;
        await notifyCompany(
          window.provider_id,
          'İYS: olağan dışı izin kaydı',
          `${window.brand_name} (${window.brand_code}) markanız adına ${formatWireDate(start).slice(0, 13)}:00 ` +
            `saatinde gönderilen kayıtlarda ${RULE_TEXT[anomaly.rule]} (${Object.entries(anomaly.details)
              .map(([k, v]) => `${k}: ${v}`)
              .join(', ')}). Kayıt Kurul'un incelemesine sunuldu; kayıtların kaynağını ve kanıtlarını ` +
            `hazır bulundurun.\n`,
        ).catch(() => {});
      }
    }
    return flagged;
  }

  return {
    limits,

    /** Judges every complete hour since the last scan (the last day's, on the first run). */
    async scan(): Promise<{ hours: number; flagged: number }> {
      const now = clock();
      const lastComplete = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
      const from = (await anomalies.scannedUntil())?.getTime() ?? lastComplete - DAY_MS;
      let hours = 0;
      let flagged = 0;
      for (let start = from; start < lastComplete && hours < MAX_HOURS_PER_SCAN; start += HOUR_MS, hours++) {
        flagged += await judgeHour(new Date(start));
        await anomalies.setScannedUntil(new Date(start + HOUR_MS));
      }
      return { hours, flagged };
    },

    async flags(limit = 200) {
      return (await anomalies.listFlags(limit)).map((f) => ({
        id: String(f.id),
        brandCode: f.brand_code,
        brandName: f.brand_name,
        iysCode: f.iys_code,
        company: f.company,
        sender: f.sender,
        windowStart: f.window_start,
        rule: f.rule,
        details: f.details as Record<string, number>,
        flaggedAt: f.created_at,
      }));
    },
  };
}

export type AnomalyService = ReturnType<typeof createAnomalyService>;
