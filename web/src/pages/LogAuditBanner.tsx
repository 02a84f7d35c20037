import { useEffect, useState } from 'react';
import { staffApi } from '../api.js';
import { useI18n } from '../i18n.js';

interface LogAudit {
  ranAt: string | null;
  leaves: number;
  problems: string[];
  unlisted: number;
}

/** Above every console tab: the nightly transparency-log audit's verdict, impossible to miss when it failed. */
export function LogAuditBanner() {
  const { t } = useI18n();
  const [audit, setAudit] = useState<LogAudit | null>(null);
  useEffect(() => {
    staffApi<LogAudit>('GET', '/api/regulator/log-audit').then(setAudit, () => setAudit(null));
  }, []);
  if (!audit) return null;
  if (audit.problems.length > 0) {
    return (
      <div className="card alert" role="alert" data-testid="log-audit">
        <strong>{t.logAuditFailed}</strong>
        <ul>
          {audit.problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
        {audit.unlisted > 0 && <p>{t.andMore(audit.unlisted)}</p>}
      </div>
    );
  }
  return (
    <p className="muted" data-testid="log-audit">
      {audit.ranAt ? t.logAuditPassed(audit.ranAt, audit.leaves) : t.logAuditNever}
    </p>
  );
}
