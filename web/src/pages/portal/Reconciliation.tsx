import { Table } from '../../components/Table.js';
import { useEffect, useState } from 'react';
import { portalApi } from '../../api.js';
import { useI18n } from '../../i18n.js';
import { BrandSelect, type BrandOption } from './BrandSelect.js';
import { ErrorAlert, useAction } from './useAction.js';

type ChangeStats = Array<{
  type: string;
  consents: Array<{ source: string; total: number; approval: number; rejection: number }>;
}>;
interface DaySummary {
  reportDate: string;
  BIREYSEL: ChangeStats;
  TACIR: ChangeStats;
}

/** A Türkiye day `days` before today, `YYYY-MM-DD`. */
const turkeyDay = (days: number) =>
  new Date(Date.now() + 3 * 3600_000 - days * 24 * 3600_000).toISOString().slice(0, 10);

/**
 * Mutabakat on screen: a day's movements per channel, split by who made them (the company or the citizen
 * through the registry), and the day's movement file, as the API offers them.
 */
export function Reconciliation({ brands }: { brands: BrandOption[] }) {
  const { t } = useI18n();
  const [brandCode, setBrandCode] = useState(brands[0]!.brandCode);
  const [day, setDay] = useState(() => turkeyDay(1));
  const [summary, setSummary] = useState<DaySummary | null>(null);
  const [error, run] = useAction();
  useEffect(() => {
    setSummary(null);
    void run(async () =>
      setSummary(await portalApi<DaySummary>('GET', `/api/portal/brands/${brandCode}/reconciliation/${day}`)),
    );
  }, [run, brandCode, day]);
  // The file covers the 7 finished days before today, as the API's.
  const fileOffered = day >= turkeyDay(7) && day <= turkeyDay(1);
  const empty =
    summary !== null &&
    [...summary.BIREYSEL, ...summary.TACIR].every((s) => s.consents.every((c) => c.total === 0));

  return (
    <section aria-labelledby="reconciliation-title">
      <h2 id="reconciliation-title">{t.reconciliation}</h2>
      <p>{t.reconciliationIntro}</p>
      <div className="card row">
        <BrandSelect id="reconciliation-brand" brands={brands} value={brandCode} onChange={setBrandCode} />
        <span>
          <label htmlFor="reconciliation-day">{t.reportDate}</label>
          <input
            id="reconciliation-day"
            type="date"
            value={day}
            max={turkeyDay(0)}
            onChange={(e) => e.target.value && setDay(e.target.value)}
          />
        </span>
      </div>
      <ErrorAlert error={error} />
      {summary && (
        <div className="card table-wrap">
          {empty && <p>{t.reconciliationEmpty}</p>}
          <Table label={t.reconciliationTable(summary.reportDate)}>
            <thead>
              <tr>
                <th scope="col">{t.channelHeader}</th>
                <th scope="col">{t.recipientTypeLabel}</th>
                <th scope="col">{t.byCompany}</th>
                <th scope="col">{t.byCitizen}</th>
              </tr>
            </thead>
            <tbody>
              {(['BIREYSEL', 'TACIR'] as const).flatMap((recipientType) =>
                summary[recipientType].map((s) => {
                  const of = (source: string) => s.consents.find((c) => c.source === source)!;
                  const cell = (source: string) =>
                    `${of(source).approval} ${t.approvals} · ${of(source).rejection} ${t.rejections}`;
                  return (
                    <tr key={`${recipientType}-${s.type}`}>
                      <td>{t.channel[s.type]}</td>
                      <td>{recipientType === 'TACIR' ? t.tacir : t.bireysel}</td>
                      <td>{cell('HS')}</td>
                      <td>{cell('IYS')}</td>
                    </tr>
                  );
                }),
              )}
            </tbody>
          </Table>
          {fileOffered ? (
            <p>
              <a href={`/api/portal/brands/${brandCode}/reconciliation/${day}/file`} download>
                {t.movementFile(day)}
              </a>
            </p>
          ) : (
            <p className="muted">{t.movementFileDays}</p>
          )}
        </div>
      )}
    </section>
  );
}
