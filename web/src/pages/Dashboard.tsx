import { useEffect, useMemo, useState } from 'react';
import { staffApi } from '../api.js';
import { Chart } from '../components/Chart.js';
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

const GREEN = '#067647';
const RED = '#b42318';
const BLUE = '#0b5cad';

/** The market at a glance, for the regulator: Chart.js bars with axes, each with its table. */
export function Dashboard() {
  const { t } = useI18n();
  const [overview, setOverview] = useState<Overview | null>(null);
  useEffect(() => void staffApi<Overview>('GET', '/api/regulator/dashboard').then(setOverview), []);
  const charts = useMemo(() => (overview ? chartsOf(overview, t) : null), [overview, t]);
  if (!overview || !charts) return <p aria-busy="true">{t.loading}</p>;

  return (
    <section aria-labelledby="dashboard-title">
      <h1 id="dashboard-title">{t.dashboard}</h1>
      <p>{t.dashboardIntro(overview.days)}</p>
      <div className="grid">
        <div className="card">
          <Chart title={t.movementsByDay} {...charts.movementsByDay} stacked />
        </div>
        <div className="card">
          <Chart title={t.movementsByChannel} {...charts.movementsByChannel} />
        </div>
        <div className="card">
          <Chart
            title={t.optOutRateByBrand}
            {...charts.optOutRateByBrand}
            horizontal
            whole={false}
            format={t.percent}
          />
        </div>
        <div className="card">
          <Chart title={t.complaintsPer10k} {...charts.complaintsPer10k} horizontal />
        </div>
        <div className="card wide">
          <ProvinceMap
            title={t.complaintsByProvince}
            counts={new Map(overview.complaintsByProvince.map((p) => [Number(p.code), p.complaints]))}
          />
          <Chart title="" tableLabel={t.complaintsByProvince} {...charts.complaintsByProvince} horizontal />
        </div>
        <div className="card">
          <Chart title={t.gatewayChecks} {...charts.gatewayChecks} stacked />
        </div>
      </div>
    </section>
  );
}

/** The overview as chart data: labels and series, built once per overview and language. */
function chartsOf(overview: Overview, t: ReturnType<typeof useI18n>['t']) {
  const count = (filter: (m: Overview['movementsByDay'][number]) => boolean) =>
    overview.movementsByDay.filter(filter).reduce((n, m) => n + m.count, 0);
  const days = [...new Set(overview.movementsByDay.map((m) => m.day))].sort();
  const channels = ['MESAJ', 'ARAMA', 'EPOSTA'];
  const rated = overview.optOutRateByBrand.filter((b) => b.optOutRate !== null);
  const complained = overview.complaintsByProvider.filter((p) => p.per10k !== null);
  return {
    movementsByDay: {
      labels: days,
      series: (['ONAY', 'RET'] as const).map((status) => ({
        label: t.status[status]!,
        values: days.map((day) => count((m) => m.day === day && m.status === status)),
        colour: status === 'ONAY' ? GREEN : RED,
      })),
    },
    movementsByChannel: {
      labels: channels.map((type) => t.channel[type] ?? type),
      series: (['ONAY', 'RET'] as const).map((status) => ({
        label: t.status[status]!,
        values: channels.map((type) => count((m) => m.type === type && m.status === status)),
        colour: status === 'ONAY' ? GREEN : RED,
      })),
    },
    optOutRateByBrand: {
      labels: rated.map((b) => `${b.name} (${b.consents.toLocaleString('tr-TR')})`),
      series: [{ label: t.optOutRate, values: rated.map((b) => b.optOutRate!), colour: RED }],
    },
    complaintsPer10k: {
      labels: complained.map((p) => `${p.title} (${p.complaints})`),
      series: [{ label: t.upheldPer10k, values: complained.map((p) => p.per10k!), colour: BLUE }],
    },
    complaintsByProvince: {
      labels: overview.complaintsByProvince.map((p) => p.name),
      series: [
        {
          label: t.complaintCount,
          values: overview.complaintsByProvince.map((p) => p.complaints),
          colour: BLUE,
        },
      ],
    },
    gatewayChecks: {
      labels: overview.gatewayChecksByDay.map((c) => c.day),
      series: [
        { label: t.allowedChecks, values: overview.gatewayChecksByDay.map((c) => c.allowed), colour: GREEN },
        { label: t.blocked, values: overview.gatewayChecksByDay.map((c) => c.blocked), colour: RED },
      ],
    },
  };
}
