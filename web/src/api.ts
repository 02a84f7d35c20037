/** The citizen API, called from the same origin with the session cookie and the CSRF header. */

export interface ApiError {
  code: string;
  message: string;
  location?: (string | number)[];
}

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly errors: ApiError[],
  ) {
    super(errors.map((e) => e.message).join(' '));
  }
}

let csrfToken = '';
export const setCsrfToken = (token: string) => {
  csrfToken = token;
};

/** One request: JSON (or a form) in, JSON out, an ApiFailure with the İYS errors on a refusal. */
async function request<T>(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<T> {
  const isForm = body instanceof FormData;
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { ...(body !== undefined && !isForm ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : isForm ? body : JSON.stringify(body),
  });
  if (response.status === 204) return undefined as T;
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new ApiFailure(response.status, data.errors ?? [{ code: 'H015', message: response.statusText }]);
  }
  return data as T;
}

/** Citizen calls: the session cookie, plus the CSRF token on every state change. */
export function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  return request(method, path, method !== 'GET' && csrfToken ? { 'x-csrf-token': csrfToken } : {}, body);
}

let portalCsrfToken = '';
export const setPortalCsrfToken = (token: string) => {
  portalCsrfToken = token;
};

/** Provider portal calls: the portal cookie, plus the portal session's own CSRF token on state changes. */
export function portalApi<T>(method: string, path: string, body?: unknown): Promise<T> {
  return request(
    method,
    path,
    method !== 'GET' && portalCsrfToken ? { 'x-csrf-token': portalCsrfToken } : {},
    body,
  );
}

let staffCsrfToken = '';
export const setStaffCsrfToken = (token: string) => {
  staffCsrfToken = token;
};

/**
 * Registry staff calls: the console's httpOnly session cookie (opened once with the staff key, which the
 * browser never keeps), plus the session's CSRF token on state changes.
 */
export function staffApi<T>(method: string, path: string, body?: unknown): Promise<T> {
  return request(
    method,
    path,
    method !== 'GET' && staffCsrfToken ? { 'x-csrf-token': staffCsrfToken } : {},
    body,
  );
}

export interface Address {
  id: string;
  address: string;
  kind: 'phone' | 'email';
  verifiedAt: string;
}

export interface Consent {
  addressId: string;
  brandCode: number;
  brandName: string;
  company: string;
  recipientType: string;
  type: 'ARAMA' | 'MESAJ' | 'EPOSTA';
  status: 'ONAY' | 'RET';
  source: string | null;
  consentDate: string;
  lastChange: string;
  transactionId: string;
}

export interface HistoryEntry {
  brandCode: number;
  brandName: string;
  type: string;
  status: string;
  source: string | null;
  consentDate: string;
  creationDate: string;
  transactionId: string;
}

export interface Evidence {
  verdict: string;
  inForce: { status: string; source: string | null; consentDate: string } | null;
  graceEndsAt: string | null;
  history: Array<{ status: string; source: string | null; consentDate: string }>;
}

export interface Complaint {
  id: string;
  brandCode: number;
  brandName: string;
  company: string;
  type: string;
  receivedAt: string;
  messageText: string;
  hasScreenshot: boolean;
  verdict: string;
  status: string;
  evidence: Evidence;
  createdAt: string;
  decisionNote: string | null;
  decidedAt: string | null;
  replies: Array<{ text: string; at: string }>;
}

export interface ShortLinkView {
  address: string;
  items: Array<{
    eventId: string;
    brandName: string;
    company: string;
    type: string;
    status: string;
    consentDate: string;
    canReject: boolean;
  }>;
}
