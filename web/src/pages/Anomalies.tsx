import { useEffect, useState } from 'react';
import { staffApi } from '../api.js';
import { Table } from '../components/Table.js';
import { useI18n } from '../i18n.js';

interface Flag {
  id: string;
  brandCode: number;
  brandName: string;
  iysCode: number;
  company: string;
  sender: string;
  windowStart: string;
  rule: string;
  details: Record<string, number>;
}

/** Suspicious submissions flagged by the hourly scan, newest first. */
export function Anomalies() {
  const { t } = useI18n();
  const [flags, setFlags] = useState<Flag[] | null>(null);
  useEffect(() => {
    staffApi<Flag[]>('GET', '/api/regulator/anomalies').then(setFlags, () => setFlags([]));
  }, []);
  const f = t.anomalyFields;
  return (
    <section aria-labelledby="anomalies-title">
      <h1 id="anomalies-title">{t.anomalies}</h1>
      <p>{t.anomaliesIntro}</p>
      {flags?.length === 0 && <p className="card">{t.noAnomalies}</p>}
      {flags && flags.length > 0 && (
        <div className="card table-wrap">
          <Table>
            <thead>
              <tr>
                {[f.hour, f.company, f.brand, f.sender, f.rule, f.figures].map((name) => (
                  <th key={name} scope="col">
                    {name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {flags.map((flag) => (
                <tr key={flag.id}>
                  <td>{flag.windowStart.slice(0, 13)}:00</td>
                  <td>
                    {flag.company} ({flag.iysCode})
                  </td>
                  <td>
                    {flag.brandName} ({flag.brandCode})
                  </td>
                  <td>
                    {flag.sender.startsWith('portal:')
                      ? `${t.portalSender} #${flag.sender.slice(7)}`
                      : `${t.apiSender} #${flag.sender}`}
                  </td>
                  <td>
                    <abbr title={flag.rule}>{t.anomalyRules[flag.rule] ?? flag.rule}</abbr>
                  </td>
                  <td>
                    {Object.entries(flag.details)
                      .map(([name, value]) => `${name}: ${value.toLocaleString('tr-TR')}`)
                      .join(' · ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        </div>
      )}
    </section>
  );
}
