import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { multipart } from './multipart.js';
import type { TestSystem } from './system.js';

/** A minimal but well-formed PDF: the header, one object and the end-of-file marker. */
export const AGREEMENT_PDF = Buffer.from(
  '%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n',
);

export const COMPANY_APPLICATION = {
  kind: 'TUZEL',
  title: 'Örnek Ticaret A.Ş.',
  vkn: '1234567890',
  mersis: '0123456789000015',
  taxOffice: 'Kadıköy',
  invoiceAddress: 'Caferağa Mah. Moda Cad. No: 1 Kadıköy / İstanbul',
  email: 'uyum@ornek.com.tr',
  contactName: 'Ayşe Yılmaz',
  contactTckn: '10000000146',
};

/** A sole trader (GERCEK): a TCKN instead of VKN and MERSİS. */
export const PERSON_APPLICATION = {
  kind: 'GERCEK',
  title: 'Mehmet Demir Reklam',
  tckn: '12345678950',
  taxOffice: 'Çankaya',
  invoiceAddress: 'Kızılay Mah. Atatürk Blv. No: 5 Çankaya / Ankara',
  email: 'mehmet@demir.example.com',
  contactName: 'Mehmet Demir',
  contactTckn: '12345678950',
};

/**
 * Submits an application as the public form does and, unless told not to, confirms it by the link the
 * applicant was e-mailed, so that it reaches the registry staff.
 */
export async function submitApplication(
  t: TestSystem,
  fields: Record<string, string> = COMPANY_APPLICATION,
  agreement: Buffer | null = AGREEMENT_PDF,
  options: { confirm?: boolean; from?: string } = {},
): Promise<LightMyRequestResponse> {
  const body = multipart(
    fields,
    agreement
      ? { field: 'agreement', name: 'sozlesme.pdf', type: 'application/pdf', data: agreement }
      : undefined,
  );
  const submitted = await t.app.inject({
    method: 'POST',
    url: '/api/applications',
    headers: { 'content-type': body.contentType },
    payload: body.payload,
    remoteAddress: options.from,
  });
  if (submitted.statusCode !== 200 || options.confirm === false) return submitted;
  const confirmed = await confirmApplication(t, submitted.json().id);
  assert.equal(confirmed.statusCode, 200, confirmed.body);
  return submitted;
}

/** Opens the confirmation link e-mailed for application `id`, as the applicant would. */
export async function confirmApplication(t: TestSystem, id: string): Promise<LightMyRequestResponse> {
  const message = await t.system.devOutbox!.waitFor((m) => m.text.includes(id) && m.text.includes('#onay='));
  const token = /#onay=([A-Za-z0-9_-]+)/.exec(message.text)![1]!;
  return t.app.inject({ method: 'POST', url: '/api/applications/confirm', payload: { token } });
}

/** The one-time token in the newest invitation e-mail the sandbox catcher took for `email`. */
export async function invitationTokenFor(t: TestSystem, email: string): Promise<string> {
  const message = await t.system.devOutbox!.waitFor(
    (m) => m.to === email && m.text.includes('/firma/davet#'),
  );
  return /\/firma\/davet#([A-Za-z0-9_-]+)/.exec(message.text)![1]!;
}

export interface PortalUser {
  cookie: string;
  csrfToken: string;
  call(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
  ): Promise<LightMyRequestResponse>;
}

export function portalUserFrom(t: TestSystem, response: LightMyRequestResponse): PortalUser {
  assert.equal(response.statusCode, 200, response.body);
  const cookie = String(response.headers['set-cookie']).split(';')[0]!;
  const { csrfToken } = response.json();
  return {
    cookie,
    csrfToken,
    call: (method, url, payload) =>
      t.app.inject({
        method,
        url,
        headers: { cookie, 'x-csrf-token': csrfToken },
        ...(payload === undefined ? {} : { payload: payload as object }),
      }),
  };
}

/** Applies, approves as a registry admin and sets the password from the invitation: a new provider's admin. */
export async function onboardProvider(
  t: TestSystem,
  fields: Record<string, string> = COMPANY_APPLICATION,
  password = 'a long enough password',
): Promise<{ iysCode: number; brandCode: number; admin: PortalUser }> {
  const submitted = await submitApplication(t, fields);
  assert.equal(submitted.statusCode, 200, submitted.body);
  const staff = { name: 'test-admin', role: 'admin' as const };
  const approved = await t.system.onboarding.approve(staff, submitted.json().id);
  const token = await invitationTokenFor(t, fields.email!);
  const accepted = await t.app.inject({
    method: 'POST',
    url: '/api/portal/invitation',
    payload: { token, password },
  });
  return { ...approved, admin: portalUserFrom(t, accepted) };
}

/** Uploads a consent file through the portal, as the browser's file input sends it. */
export function uploadFile(
  t: TestSystem,
  user: PortalUser,
  brandCode: number,
  file: { name: string; data: Buffer; type?: string },
  options: { migration?: boolean } = {},
): Promise<LightMyRequestResponse> {
  const body = multipart(
    {},
    { field: 'file', name: file.name, type: file.type ?? 'text/csv', data: file.data },
  );
  return t.app.inject({
    method: 'POST',
    url: `/api/portal/brands/${brandCode}/uploads${options.migration ? '?migration=true' : ''}`,
    headers: { cookie: user.cookie, 'x-csrf-token': user.csrfToken, 'content-type': body.contentType },
    payload: body.payload,
  });
}

/** Polls an upload until it has finished (completed or failed). */
export async function waitForUpload(user: PortalUser, id: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const upload = (await user.call('GET', `/api/portal/uploads/${id}`)).json();
    if (upload.status === 'completed' || upload.status === 'failed') return upload;
    if (Date.now() > deadline) throw new Error(`upload still ${upload.status}: ${JSON.stringify(upload)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
