import { sql } from 'kysely';

/**
 * How far readers of the event log (the changes feed, the notice reader) may read: events whose writing
 * transaction id is below this have all committed or never will, so a cursor that advances past them never
 * passes over one that commits late.
 *
 * It is the oldest transaction still running, as the snapshot sees it (its xmin) — except that transaction
 * ids are shared by every database of a server, and one running in another database can never write here:
 * those are left out, so a long transaction of a neighbour on a shared server does not stall the feed. A
 * transaction whose database cannot be seen (it ended meanwhile, or its backend is hidden) still counts.
 */
export const logHorizon = sql<string>`coalesce(
  (SELECT min(running)
   FROM pg_snapshot_xip(pg_current_snapshot()) running
   WHERE NOT EXISTS (
     SELECT 1 FROM pg_stat_activity a
     WHERE a.backend_xid = running::xid
       AND a.datid <> (SELECT oid FROM pg_database WHERE datname = current_database()))),
  pg_snapshot_xmax(pg_current_snapshot()))`;
