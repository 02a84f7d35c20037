import { Table } from '../components/Table.js';
import { useEffect, useState } from 'react';
import { staffApi } from '../api.js';
import { useI18n } from '../i18n.js';

interface GatewayAlert {
  id: string;
  detectedAt: string;
  accountId: number;
  accountName: string;
  details: {
    brandCode?: number;
    type?: string;
    recipients?: number;
    unknownShare?: number;
    denseShare?: number;
  };
}

/** Gateway accounts the scan guard throttled: who, when, and what their requests looked like. */
export function GatewayAlerts() {
  const { t } = useI18n();
  const percent = (v: number | undefined) => (v === undefined ? '' : t.percent(v));
  const [alerts, setAlerts] = useState<GatewayAlert[] | null>(null);
  useEffect(() => {
    staffApi<GatewayAlert[]>('GET', '/api/regulator/gateway-alerts').then(setAlerts, () => setAlerts([]));
  }, []);

  return (
    <section aria-labelledby="alerts-title">
      <h1 id="alerts-title">{t.gatewayAlerts}</h1>
      <p>{t.gatewayAlertsIntro}</p>
      {alerts?.length === 0 && <p className="card">{t.noGatewayAlerts}</p>}
      {alerts && alerts.length > 0 && (
        <div className="card table-wrap">
          <Table>
            <thead>
              <tr>
                <th scope="col">{t.alertFields.at}</th>
                <th scope="col">{t.alertFields.account}</th>
                <th scope="col">{t.alertFields.brand}</th>
                <th scope="col">{t.alertFields.recipients}</th>
                <th scope="col">{t.alertFields.unknown}</th>
                <th scope="col">{t.alertFields.dense}</th>
              </tr>
            </thead>
            <tbody>
              {alerts.map((alert) => (
                <tr key={alert.id}>
                  <td>{alert.detectedAt}</td>
                  <td>
                    {alert.accountName} (#{alert.accountId})
                  </td>
                  <td>
                    {alert.details.brandCode} · {alert.details.type}
                  </td>
                  <td>{alert.details.recipients?.toLocaleString('tr-TR')}</td>
                  <td>{percent(alert.details.unknownShare)}</td>
                  <td>{percent(alert.details.denseShare)}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        </div>
      )}
    </section>
  );
}
