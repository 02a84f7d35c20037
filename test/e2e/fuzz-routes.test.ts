/**
 * Every route of /openapi.json, called with every class of hostile value the red team used — in paths,
 * queries and bodies, signed in as whoever the route serves — must answer 2xx or 4xx with the İYS error
 * shape: never a 5xx, never fastify's own error body.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { signIn } from '../helpers/citizen.js';
import { onboardProvider, type PortalUser } from '../helpers/portal.js';
import { DEMO, startTestSystem, type TestSystem } from '../helpers/system.js';

let t: TestSystem;
let credentials: Record<string, Record<string, string>>;
let portal: PortalUser;
let known: Record<string, string>;
before(async () => {
  t = await startTestSystem();
  const onboarded = await onboardProvider(t);
  portal = onboarded.admin;
  const citizen = await signIn(t, '+905321234567');
  const gateway = await t.system.gateway.addAccount('Fuzz Operatör', ['MESAJ', 'ARAMA', 'EPOSTA']);
  credentials = {
    provider: { authorization: `Bearer ${await t.token()}` },
    portal: { cookie: portal.cookie, 'x-csrf-token': portal.csrfToken },
    citizen: { cookie: citizen.cookie, 'x-csrf-token': citizen.csrfToken },
    staff: { authorization: `Bearer ${await t.system.regulator.addKey('Fuzz', 'admin')}` },
    gateway: { authorization: `Bearer ${gateway.token}` },
  };
  known = {
    iysCode: String(DEMO.iysCode),
    brandCode: String(DEMO.brandCode),
    recipientType: 'BIREYSEL',
    type: 'MESAJ',
    reportDate: new Date().toISOString().slice(0, 10),
    integratorCode: String(onboarded.iysCode),
  };
});
after(() => t.close());

function credentialsFor(path: string): Record<string, string> {
  if (path.startsWith('/sps') || path.startsWith('/integrator')) return credentials.provider!;
  if (path.startsWith('/api/portal')) return credentials.portal!;
  if (path.startsWith('/api/citizen')) return credentials.citizen!;
  if (path.startsWith('/api/regulator')) return credentials.staff!;
  if (path.startsWith('/gateway') || path.startsWith('/ahs')) return credentials.gateway!;
  return {};
}

/** Values for path parameters and query strings, already URL-encoded as a client would (or would not). */
const URL_VALUES = [
  '0',
  '-1',
  '2147483648',
  '99999999999999999999',
  '1e400',
  '%00',
  'a%00b',
  '%',
  '%E0%A4%A',
  '%F0%9F%92%A5',
  'x'.repeat(150),
  '..%2F..%2Fetc',
  '00000000-0000-0000-0000-000000000000',
];

/** A JSON value nested `depth` levels deep. */
const deep = (depth: number, open: string, close: string, leaf = '1') =>
  open.repeat(depth) + leaf + close.repeat(depth);

/** Hostile values for a body field that expects a string, a number or anything. */
const FIELD_VALUES: unknown[] = [
  'a\u0000b',
  '\u0000',
  { toString: 'x' },
  { valueOf: 1 },
  ['+905321234567'],
  2 ** 31,
  2 ** 53 + 1,
  -1e308,
  '9'.repeat(40),
  'x'.repeat(100_000),
  '💥\ud800',
  null,
];

interface Operation {
  method: string;
  path: string;
  fields: string[];
  query: string[];
  multipart: boolean;
}

function operations(doc: { paths: Record<string, Record<string, Record<string, unknown>>> }): Operation[] {
  const list: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const body = (
        operation.requestBody as
          { content?: Record<string, { schema?: Record<string, unknown> }> } | undefined
      )?.content;
      const schema = body && Object.values(body)[0]?.schema;
      const properties = (schema?.properties ?? (schema?.items as { properties?: object })?.properties) as
        Record<string, unknown> | undefined;
      const parameters = (operation.parameters ?? []) as { in: string; name: string }[];
      list.push({
        method: method.toUpperCase(),
        path,
        fields: Object.keys(properties ?? {}),
        query: parameters.filter((p) => p.in === 'query').map((p) => p.name),
        multipart: /uploads$|applications$|complaints$/.test(path) && method === 'post',
      });
    }
  }
  // Operations that end a session or take rights away run last, so the others keep their credentials.
  const destructive = /sign-out|suspend|disable|revoke|delete|reject|remove/i;
  return list.sort(
    (a, b) =>
      Number(destructive.test(a.path) || a.method === 'DELETE') -
      Number(destructive.test(b.path) || b.method === 'DELETE'),
  );
}

const fill = (path: string, override?: [string, string]) =>
  path.replace(/\{(\w+)\}/g, (_, name: string) =>
    override && override[0] === name ? override[1] : (known[name] ?? '1'),
  );

test('every route answers hostile paths, queries and bodies with a 4xx in the İYS shape, never a 5xx', async () => {
  const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
  const ops = operations(doc);
  assert.ok(ops.length > 100, `only ${ops.length} operations in /openapi.json`);
  let requests = 0;
  const failures: string[] = [];
  /** One example per route and kind of failure, so a report is readable. */
  const examples = new Map<string, string>();

  const send = async (
    op: Operation,
    url: string,
    body?: { payload: string | Buffer; type: string },
  ): Promise<void> => {
    requests++;
    const response = await t.app.inject({
      method: op.method as 'GET',
      url,
      headers: {
        ...credentialsFor(op.path),
        ...(body ? { 'content-type': body.type } : {}),
      },
      ...(body ? { payload: body.payload } : {}),
    });
    const context = `${op.method} ${url.slice(0, 160)} ${String(body?.payload ?? '').slice(0, 120)} → ${response.statusCode} ${response.body.slice(0, 200)}`;
    const fail = (kind: string) => {
      failures.push(`${kind}: ${context}`);
      examples.set(`${kind} ${op.method} ${op.path}`, context);
    };
    if (response.statusCode >= 500) fail('5xx');
    else if (response.statusCode >= 400 && String(response.headers['content-type']).includes('json')) {
      const errors = (response.json() as { errors?: { code?: string }[] }).errors;
      if (
        !Array.isArray(errors) ||
        errors.length === 0 ||
        !errors.every((e) => /^H\d{3}$/.test(e.code ?? ''))
      )
        fail('not the İYS shape');
    } else if (response.statusCode >= 400) fail('not JSON');
  };

  for (const op of ops) {
    const params = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    for (const name of params) for (const value of URL_VALUES) await send(op, fill(op.path, [name, value]));
    const base = fill(op.path);
    for (const name of op.query.length > 0 ? op.query : ['q'])
      for (const value of URL_VALUES) await send(op, `${base}?${name}=${value}`);
    if (op.method === 'GET') continue;

    const json = (value: unknown) => ({ payload: JSON.stringify(value), type: 'application/json' });
    await send(op, base, { payload: deep(5000, '[', ']'), type: 'application/json' });
    await send(op, base, { payload: deep(5000, '{"a":', '}'), type: 'application/json' });
    await send(op, base, {
      payload: `[${deep(5000, '{"recipient":', '}', '"x"')}]`,
      type: 'application/json',
    });
    for (const field of op.fields.length > 0 ? op.fields : ['recipient', 'name', 'url', 'text'])
      for (const value of FIELD_VALUES) {
        await send(op, base, json({ [field]: value }));
        await send(op, base, json([{ [field]: value }]));
      }
    await send(op, base, { payload: '--x\r\n', type: 'multipart/form-data' });
    await send(op, base, { payload: 'garbage', type: 'multipart/form-data; boundary=zz' });
    if (op.multipart)
      await send(op, base, {
        payload:
          '--zz\r\ncontent-disposition: form-data; name="file"; filename="a.csv"\r\n\r\nx\u0000y\r\n--zz--\r\n',
        type: 'multipart/form-data; boundary=zz',
      });
    await send(op, base, { payload: 'a=%00&b=%', type: 'application/x-www-form-urlencoded' });
  }
  console.log(`fuzz: ${requests} requests over ${ops.length} operations, ${failures.length} bad answers`);
  assert.deepEqual([...examples.values()], [], `${failures.length} bad answers of ${requests}`);
});
