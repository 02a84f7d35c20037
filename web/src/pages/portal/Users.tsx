import { Table } from '../../components/Table.js';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { portalApi } from '../../api.js';
import { useI18n } from '../../i18n.js';
import { ErrorAlert, useAction } from './useAction.js';

interface PortalUser {
  id: number;
  name: string;
  email: string;
  role: string;
  active: boolean;
  invited: boolean;
  totpEnabled: boolean;
}

/** Colleagues with portal access: invited by e-mail with a role, disabled at once. */
export function Users() {
  const { t } = useI18n();
  const [users, setUsers] = useState<PortalUser[]>([]);
  const [error, run] = useAction();
  const load = useCallback(
    async () => setUsers(await portalApi<PortalUser[]>('GET', '/api/portal/users')),
    [],
  );
  useEffect(() => void load(), [load]);

  const invite = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    void run(async () => {
      await portalApi('POST', '/api/portal/users', {
        email: data.get('email'),
        name: data.get('name'),
        role: data.get('role'),
      });
      form.reset();
      await load();
    });
  };

  return (
    <section aria-labelledby="users-title">
      <h2 id="users-title">{t.portalUsers}</h2>
      <div className="card table-wrap">
        <Table>
          <tbody>
            {users.map((u) => (
              <tr key={u.id}>
                <td>
                  {u.name} <small>· {u.email}</small>
                </td>
                <td>{t.roles[u.role]}</td>
                <td>{u.invited ? <small>{t.invitedPending}</small> : u.totpEnabled ? '🔐' : ''}</td>
                <td>
                  {u.active && (
                    <button
                      type="button"
                      className="link"
                      onClick={() =>
                        void run(
                          async () => (
                            await portalApi('POST', `/api/portal/users/${u.id}/disable`),
                            await load()
                          ),
                        )
                      }
                    >
                      {t.disable}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      </div>
      <form className="card row" onSubmit={invite}>
        <span>
          <label htmlFor="invite-name">{t.contactNameLabel}</label>
          <input id="invite-name" name="name" required minLength={2} />
        </span>
        <span>
          <label htmlFor="invite-email">{t.emailLabel}</label>
          <input id="invite-email" name="email" type="email" required />
        </span>
        <span>
          <label htmlFor="invite-role">{t.roleLabel}</label>
          <select id="invite-role" name="role" defaultValue="operator">
            {['admin', 'operator', 'readonly'].map((r) => (
              <option key={r} value={r}>
                {t.roles[r]}
              </option>
            ))}
          </select>
        </span>
        <button type="submit">{t.invite}</button>
      </form>
      <ErrorAlert error={error} />
    </section>
  );
}
