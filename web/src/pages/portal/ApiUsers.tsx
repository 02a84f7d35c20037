import { Table } from '../../components/Table.js';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { portalApi } from '../../api.js';
import { useI18n } from '../../i18n.js';
import { ErrorAlert, useAction } from './useAction.js';

interface ApiUser {
  id: number;
  username: string;
  createdAt: string;
  revokedAt: string | null;
}

/** Credentials for the İYS-compatible API: created with a password shown once, revoked at once. */
export function ApiUsers() {
  const { t } = useI18n();
  const [users, setUsers] = useState<ApiUser[] | null>(null);
  const [secret, setSecret] = useState<{ username: string; password: string } | null>(null);
  const [error, run] = useAction();
  const load = useCallback(
    async () => setUsers(await portalApi<ApiUser[]>('GET', '/api/portal/api-users')),
    [],
  );
  useEffect(() => void load(), [load]);

  const create = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    void run(async () => {
      setSecret(
        await portalApi('POST', '/api/portal/api-users', { username: new FormData(form).get('username') }),
      );
      form.reset();
      await load();
    });
  };

  return (
    <section aria-labelledby="api-users-title">
      <h2 id="api-users-title">{t.apiUsers}</h2>
      {secret && (
        <p className="success" role="status">
          {t.secretOnce} <code>{secret.username}</code> /{' '}
          <code data-testid="api-secret">{secret.password}</code>
        </p>
      )}
      {users?.length === 0 && <p className="card">{t.noApiUsers}</p>}
      <div className="card table-wrap" hidden={!users?.length}>
        <Table>
          <tbody>
            {users?.map((u) => (
              <tr key={u.id}>
                <td>
                  <code>{u.username}</code>
                </td>
                <td>{u.createdAt}</td>
                <td>
                  {u.revokedAt ? (
                    <small>
                      {t.revoked} {u.revokedAt}
                    </small>
                  ) : (
                    <button
                      type="button"
                      className="danger"
                      onClick={() =>
                        void run(
                          async () => (
                            await portalApi('POST', `/api/portal/api-users/${u.id}/revoke`),
                            await load()
                          ),
                        )
                      }
                    >
                      {t.revoke}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      </div>
      <form className="card row" onSubmit={create}>
        <span>
          <label htmlFor="api-username">{t.username}</label>
          <input id="api-username" name="username" required pattern="[A-Za-z0-9][A-Za-z0-9._\-]{2,63}" />
        </span>
        <button type="submit">{t.createApiUser}</button>
      </form>
      <ErrorAlert error={error} />
    </section>
  );
}
