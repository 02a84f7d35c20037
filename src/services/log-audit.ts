import { sql, type Kysely } from 'kysely';
import { leafHash as eventLeafHash, type HashedEvent } from '../crypto/event-hash.js';
import { evidenceLeafHash, type HashedEvidence } from '../crypto/evidence-hash.js';
import { appendLeaves, keepRightEdge, rootOf } from '../crypto/merkle-ranges.js';
import { verifyReceipt, type PublicJwk } from '../crypto/receipt-signer.js';
import type { Database } from '../db/types.js';

const PAGE = 10_000;
/** Problems listed in full; past this many, only counted (a rewritten table would list millions). */
const MAX_LISTED = 100;

export interface LogAuditReport {
  leaves: number;
  heads: number;
  problems: string[];
  /** Problems found beyond the MAX_LISTED listed. */
  unlisted: number;
}

/**
 * `openiys log audit`: checks, from the database alone and the published keys, that history was not
 * rewritten. Every event is recomputed into its leaf hash (a changed row no longer matches), every leaf
 * must be its event's, the tree rebuilt from the leaves must give every signed head's root, every head's
 * signature must verify with a key derived from the master key, no event the sequencer passed may be missing from the log, and the consent
 * projection the gateway reads must equal each consent's last event.
 */
export async function auditTransparencyLog(
  db: Kysely<Database>,
  derivedKey: (version: number) => PublicJwk,
): Promise<LogAuditReport> {
  const problems: string[] = [];
  let found = 0;
  const problem = (text: string) => {
    if (++found <= MAX_LISTED) problems.push(text);
  };

  // Heads verify against the keys derived from the master key, never against what the table publishes: a
  // key slipped into log_keys would otherwise bless heads re-signed with it.
  const keys: PublicJwk[] = [];
  const published = (
    await sql<{
      version: number;
      jwk: PublicJwk;
    }>`SELECT version, jwk FROM log_keys ORDER BY version`.execute(db)
  ).rows;
  for (const { version, jwk } of published) {
    const expected = derivedKey(version);
    keys.push(expected);
    if (jwk.x !== expected.x || jwk.kid !== expected.kid)
      problem(`key version ${version}: the published key is not the registry's (${jwk.kid})`);
  }

  const heads = (
    await sql<{ tree_size: number; root_hash: Buffer; signed_at: Date; jws: string }>`
      SELECT tree_size::float8 AS tree_size, root_hash, signed_at, jws FROM log_heads ORDER BY tree_size`.execute(
      db,
    )
  ).rows;
  for (const head of heads) {
    const verified = verifyReceipt(head.jws, keys);
    const expected = {
      treeSize: head.tree_size,
      timestamp: head.signed_at.getTime(),
      rootHash: head.root_hash.toString('hex'),
    };
    if (!verified.ok) problem(`head ${head.tree_size}: signature does not verify (${verified.reason})`);
    else if (JSON.stringify(verified.payload) !== JSON.stringify(expected))
      problem(`head ${head.tree_size}: the signed payload differs from the stored head`);
  }

  // The tree rebuilt from the stored leaves with the sequencer's own arithmetic, holding only its right edge.
  let edge = new Map<string, Buffer>();
  let size = 0;
  let nextHead = 0;
  let previous: readonly [bigint, bigint] | undefined;
  const checkHeads = () => {
    while (nextHead < heads.length && heads[nextHead]!.tree_size === size) {
      const head = heads[nextHead++]!;
      if (!rootOf(edge, size).equals(head.root_hash))
        problem(`head ${head.tree_size}: the tree rebuilt from the leaves has another root`);
    }
  };
  checkHeads();
  for (;;) {
    const page = (
      await sql<
        HashedEvent & {
          leaf_index: number;
          logged: Buffer;
          event_id: string | null;
          recorded: Buffer | null;
          tx: string | null;
          evidence_id: string | null;
          evidence: EvidenceJson | null;
          purged: boolean;
        }
      >`
        SELECT l.leaf_index::float8 AS leaf_index, l.leaf_hash AS logged, l.event_id::text AS event_id,
               e.leaf_hash AS recorded, e.tx::text AS tx, e.transaction_id, e.brand_id, e.recipient_key, e.recipient_type, e.type,
               e.status, e.source, e.consent_date, e.creation_date, e.retailer_code, e.retailer_access,
               e.actor_kind, e.actor_id, l.evidence_id::text AS evidence_id,
               CASE WHEN v.id IS NOT NULL THEN json_build_object(
                 'event_id', v.event_id::text, 'brand_id', v.brand_id, 'recipient_key', encode(v.recipient_key, 'hex'),
                 'transaction_id', v.transaction_id, 'media_type', v.media_type, 'bytes', v.bytes,
                 'sha256', encode(v.sha256, 'hex'), 'actor_id', v.actor_id,
                 'created_at', (extract(epoch FROM v.created_at) * 1000)::bigint::text,
                 'leaf_hash', encode(v.leaf_hash, 'hex')) END AS evidence,
               (p.leaf_index IS NOT NULL) AS purged
        FROM log_leaves l LEFT JOIN consent_events e ON e.id = l.event_id
          LEFT JOIN consent_evidence v ON v.id = l.evidence_id
          LEFT JOIN purged_leaves p ON p.leaf_index = l.leaf_index
        WHERE l.leaf_index >= ${size} ORDER BY l.leaf_index LIMIT ${PAGE}`.execute(db)
    ).rows;
    for (const row of page) {
      if (row.leaf_index !== size) problem(`leaf ${size}: missing (the next is ${row.leaf_index})`);
      // Purged by the retention job: the record is gone on purpose, its leaf hash keeps the tree whole.
      const gone = row.evidence_id !== null ? row.evidence === null : row.recorded === null;
      if (row.purged && gone) {
        appendLeaves(edge, size++, [row.logged]);
        checkHeads();
        continue;
      }
      if (row.evidence_id !== null) {
        checkEvidenceLeaf(row.leaf_index, row.evidence_id, row.logged, row.evidence, problem);
        appendLeaves(edge, size++, [row.logged]);
        checkHeads();
        continue;
      }
      // Leaves follow the events' (writing transaction, id) order; a leaf out of it was moved.
      const position = row.tx === null ? undefined : ([BigInt(row.tx), BigInt(row.event_id!)] as const);
      if (
        position &&
        previous &&
        (position[0] < previous[0] || (position[0] === previous[0] && position[1] <= previous[1]))
      )
        problem(`leaf ${row.leaf_index}: out of order (event ${row.event_id} is logged after a later one)`);
      if (position) previous = position;
      if (row.recorded === null) problem(`leaf ${row.leaf_index}: its event ${row.event_id} is gone`);
      else if (!eventLeafHash(row).equals(row.recorded))
        problem(
          `leaf ${row.leaf_index}: event ${row.event_id} no longer hashes to its leaf (it was changed)`,
        );
      else if (!row.recorded.equals(row.logged))
        problem(`leaf ${row.leaf_index}: not the hash of event ${row.event_id}`);
      appendLeaves(edge, size++, [row.logged]);
      checkHeads();
    }
    edge = keepRightEdge(edge, size);
    if (page.length < PAGE) break;
  }
  for (const head of heads.slice(nextHead))
    problem(`head ${head.tree_size}: larger than the log's ${size} leaves`);

  // An event slipped in behind the sequencer (a back-dated insert) has no leaf: named with the leaf it hides
  // behind, the first logged event after it.
  const { rows: skipped } = await sql<{ id: string; next_leaf: number | null }>`
    SELECT e.id::text AS id,
           (SELECT min(l.leaf_index)::float8 FROM log_leaves l JOIN consent_events n ON n.id = l.event_id
            WHERE (n.tx, n.id) > (e.tx, e.id)) AS next_leaf
    FROM consent_events e, log_cursor c
    WHERE (e.tx, e.id) <= (c.tx, c.event_id)
      AND NOT EXISTS (SELECT 1 FROM log_leaves l WHERE l.event_id = e.id)
    ORDER BY e.tx, e.id LIMIT ${MAX_LISTED + 1}`.execute(db);
  for (const row of skipped)
    problem(
      `leaf ${row.next_leaf ?? size}: event ${row.id} was inserted before it, behind the sequencer, and is not in the log`,
    );

  // The projection is the fold of the event log: per consent, its latest event (events of one consent are
  // written under its brand's lock, so the latest has the highest id). A row edited, pointed at an older
  // event, removed or made up differs from it.
  const { rows: drifted } = await sql<{ n: number }>`
    WITH latest AS (
      SELECT DISTINCT ON (recipient_key, brand_id, recipient_type, type) *
      FROM consent_events ORDER BY recipient_key, brand_id, recipient_type, type, id DESC
    )
    SELECT count(*)::float8 AS n
    FROM latest e FULL JOIN consents c
      ON (c.recipient_key, c.brand_id, c.recipient_type, c.type) = (e.recipient_key, e.brand_id, e.recipient_type, e.type)
    WHERE (c.last_event_id, c.status, c.source, c.consent_date, c.transaction_id)
          IS DISTINCT FROM (e.id, e.status, e.source, e.consent_date, e.transaction_id)`.execute(db);
  if (drifted[0]!.n > 0)
    problem(`${drifted[0]!.n} consents differ from the fold of the event log (the projection was edited)`);

  // Evidence slipped in behind the sequencer has no leaf either.
  const { rows: unlogged } = await sql<{ id: string }>`
    SELECT v.id::text AS id FROM consent_evidence v, log_cursor c
    WHERE (v.tx, v.id) <= (c.evidence_tx, c.evidence_id)
      AND NOT EXISTS (SELECT 1 FROM log_leaves l WHERE l.evidence_id = v.id)
    ORDER BY v.tx, v.id LIMIT ${MAX_LISTED + 1}`.execute(db);
  for (const row of unlogged)
    problem(`evidence ${row.id} was inserted behind the sequencer and is not in the log`);

  return { leaves: size, heads: heads.length, problems, unlisted: Math.max(0, found - MAX_LISTED) };
}

/** An evidence row as the audit's query returns it (json_build_object): bytes in hex, the time in ms. */
type EvidenceJson = Omit<HashedEvidence, 'created_at' | 'recipient_key' | 'sha256'> & {
  created_at: string;
  recipient_key: string;
  sha256: string;
  leaf_hash: string;
};

/** A piece of evidence's leaf: the stored row must still hash to it (a swapped file changes its digest). */
function checkEvidenceLeaf(
  index: number,
  id: string,
  logged: Buffer,
  stored: EvidenceJson | null,
  problem: (text: string) => void,
): void {
  if (stored === null) return problem(`leaf ${index}: its evidence ${id} is gone`);
  const recomputed = evidenceLeafHash({
    ...stored,
    recipient_key: Buffer.from(stored.recipient_key, 'hex'),
    sha256: Buffer.from(stored.sha256, 'hex'),
    created_at: new Date(Number(stored.created_at)),
  });
  if (!recomputed.equals(Buffer.from(stored.leaf_hash, 'hex')))
    problem(`leaf ${index}: evidence ${id} no longer hashes to its leaf (it was changed)`);
  else if (!recomputed.equals(logged)) problem(`leaf ${index}: not the hash of evidence ${id}`);
}
