import { formatWireDate } from '../../../domain/wire-date.js';

interface StoredEvent {
  recipientType: string;
  status: string;
  source: string | null;
  consentDate: Date | string;
  creationDate: Date | string;
  transactionId: string;
}

interface StoredEvidence {
  verdict: string;
  inForce: StoredEvent | null;
  graceEndsAt: Date | string | null;
  history?: StoredEvent[];
}

const wire = (value: Date | string) => formatWireDate(new Date(value));
const presentEvent = (e: StoredEvent) => ({
  ...e,
  consentDate: wire(e.consentDate),
  creationDate: wire(e.creationDate),
});

/** Complaint evidence on the wire: İYS dates, whether it was just computed (Dates) or read back (JSON). */
export function presentEvidence(evidence: unknown) {
  const e = evidence as StoredEvidence;
  return {
    verdict: e.verdict,
    inForce: e.inForce ? presentEvent(e.inForce) : null,
    graceEndsAt: e.graceEndsAt ? wire(e.graceEndsAt) : null,
    history: (e.history ?? []).map(presentEvent),
  };
}

/** A complaint as its citizen (and the regulator) sees it. */
export function presentComplaint<
  T extends {
    receivedAt: Date;
    createdAt: Date;
    decidedAt: Date | null;
    evidence: unknown;
    replies: Array<{ text: string; at: Date }>;
  },
>(complaint: T) {
  return {
    ...complaint,
    receivedAt: formatWireDate(complaint.receivedAt),
    createdAt: formatWireDate(complaint.createdAt),
    decidedAt: complaint.decidedAt ? formatWireDate(complaint.decidedAt) : null,
    evidence: presentEvidence(complaint.evidence),
    replies: complaint.replies.map((reply) => ({ text: reply.text, at: formatWireDate(reply.at) })),
  };
}
