import { useEffect, useState } from 'react';
import { staffApi } from '../api.js';
import { BarChart } from '../components/BarChart.js';
import { ProvinceMap } from '../components/ProvinceMap.js';
import { useI18n } from '../i18n.js';

interface Overview {
  days: number;
  movementsByDay: Array<{ day: string; type: string; status: string; count: number }>;
  optOutRateByBrand: Array<{ brandCode: number; name: string; consents: number; optOutRate: number | null }>;
  complaintsByProvider: Array<{
    iysCode: number;
    title: string;
    consents: number;
    complaints: number;
    per10k: number | null;
  }>;
  gatewayChecksByDay: Array<{ day: string; allowed: number; blocked: number; blockedShare: number | null }>;
  complaintsByProvince: Array<{ code: string; name: string; complaints: number }>;
}

/** The market at a glance, for the regulator. */
export function Dashboard() {
  const { t } = useI18n();
  const [overview, setOverview] = useState<Overview | null>(null);
  useEffect(() => void staffApi<Overview>('GET', '/api/regulator/dashboard').then(setOverview), []);
  if (!overview) return <p aria-busy="true">{t.loading}</p>;

  const days = [...new Set(overview.movementsByDay.map((m) => m.day))];
  const movementRows = days.map((day) => {
    const of = (status: string) =>
      overview.movementsByDay
        .filter((m) => m.day === day && m.status === status)
        .reduce((n, m) => n + m.count, 0);
    return {
      label: day,
      value: of('ONAY'),
      secondary: of('RET'),
      note: `${t.status.ONAY} / ${t.status.RET}: ${of('ONAY')} / ${of('RET')}`,
    };
  });
  const channels = ['MESAJ', 'ARAMA', 'EPOSTA'].map((type) => ({
    label: t.channel[type] ?? type,
    value: overview.movementsByDay
      .filter((m) => m.type === type && m.status === 'ONAY')
      .reduce((n, m) => n + m.count, 0),
    secondary: overview.movementsByDay
      .filter((m) => m.type === type && m.status === 'RET')
      .reduce((n, m) => n + m.count, 0),
  }));

  return (
    <section aria-labelledby="dashboard-title">
      <h1 id="dashboard-title">{t.dashboard}</h1>
      <p>{t.dashboardIntro(overview.days)}</p>
      <div className="grid">
        <div className="card">
          <BarChart title={t.movementsByDay} rows={movementRows} />
        </div>
        <div className="card">
          <BarChart title={t.movementsByChannel} rows={channels} />
        </div>
        <div className="card">
          <BarChart
            title={t.optOutRateByBrand}
            rows={overview.optOutRateByBrand
              .filter((b) => b.optOutRate !== null)
              .map((b) => ({ label: b.name, value: b.optOutRate!, note: `(${b.consents})` }))}
            format={t.percent}
          />
        </div>
        <div className="card">
          <BarChart
            title={t.complaintsPer10k}
            rows={overview.complaintsByProvider
              .filter((p) => p.per10k !== null)
              .map((p) => ({ label: p.title, value: p.per10k!, note: `(${p.complaints})` }))}
          />
        </div>
        <div className="card wide">
          <ProvinceMap
            title={t.complaintsByProvince}
            counts={new Map(overview.complaintsByProvince.map((p) => [Number(p.code), p.complaints]))}
          />
          <BarChart
            title=""
            rows={overview.complaintsByProvince.map((p) => ({ label: p.name, value: p.complaints }))}
          />
        </div>
        <div className="card">
          <BarChart
            title={t.gatewayChecks}
            rows={overview.gatewayChecksByDay.map((c) => ({
              label: c.day,
              value: c.allowed,
              secondary: c.blocked,
              note: c.blockedShare === null ? '' : `${t.blocked} ${t.percent(c.blockedShare)}`,
            }))}
          />
        </div>
      </div>
    </section>
  );
}
