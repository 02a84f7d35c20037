import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Process metrics plus per-route request counts and latencies, labelled by route pattern, never by URL. */
export function createMetrics(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'openiys_' });
  return registry;
}

export function instrumentRequests(app: FastifyInstance, registry: Registry): void {
  const requests = new Counter({
    name: 'openiys_http_requests_total',
    help: 'HTTP requests by route pattern, method and status',
    labelNames: ['route', 'method', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'openiys_http_request_duration_seconds',
    help: 'HTTP request duration by route pattern',
    labelNames: ['route', 'method'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ route, method: request.method, status: reply.statusCode });
    duration.observe({ route, method: request.method }, reply.elapsedTime / 1000);
  });
}

/** The bulk worker's backlog, read when Prometheus scrapes: a growing number means ingest falls behind. */
export function watchBulkBacklog(registry: Registry, bulk: { countUnfinished(): Promise<number> }): void {
  new Gauge({
    name: 'openiys_bulk_requests_unfinished',
    help: 'Accepted bulk consent requests not yet fully applied',
    registers: [registry],
    async collect() {
      this.set(await bulk.countUnfinished());
    },
  });
}

/** Outgoing SMS and e-mail by status: failed messages are visible without reading the database. */
export function watchOutbox(
  registry: Registry,
  outbox: { countByStatus(): Promise<Record<string, number>> },
): void {
  new Gauge({
    name: 'openiys_outbox_messages',
    help: 'Outbox messages (SMS and e-mail) by delivery status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const counts = await outbox.countByStatus();
      for (const status of ['pending', 'sent', 'failed']) this.set({ status }, counts[status] ?? 0);
    },
  });
}

/** Recipients checked by message gateways, allowed and blocked (the share blocked, per day, on a dashboard). */
export function countGatewayChecks(registry: Registry): (allowed: number, blocked: number) => void {
  const checked = new Counter({
    name: 'openiys_gateway_recipients_checked_total',
    help: 'Recipients checked by message gateways, by outcome',
    labelNames: ['outcome'],
    registers: [registry],
  });
  return (allowed, blocked) => {
    if (allowed > 0) checked.inc({ outcome: 'allowed' }, allowed);
    if (blocked > 0) checked.inc({ outcome: 'blocked' }, blocked);
  };
}

/**
 * The transparency log's health: the last daily audit's problems (anything above 0 is an incident), its
 * age, and the committed events not yet in the log (a sequencer that stopped shows here first).
 */
export function watchTransparencyLog(
  registry: Registry,
  log: {
    latestAudit(): Promise<{ finishedAt: Date; problems: string[]; unlisted: number } | undefined>;
    countUnsequenced(): Promise<number>;
  },
): void {
  new Gauge({
    name: 'openiys_log_audit_problems',
    help: 'Problems the last transparency-log audit found (0: the log, its heads and the projection agree)',
    registers: [registry],
    async collect() {
      const audit = await log.latestAudit();
      this.set(audit ? audit.problems.length + audit.unlisted : 0);
    },
  });
  new Gauge({
    name: 'openiys_log_audit_last_run_timestamp_seconds',
    help: 'When the last transparency-log audit finished (0: never)',
    registers: [registry],
    async collect() {
      this.set(((await log.latestAudit())?.finishedAt.getTime() ?? 0) / 1000);
    },
  });
  new Gauge({
    name: 'openiys_log_unsequenced_events',
    help: 'Committed consent events not yet in the transparency log',
    registers: [registry],
    async collect() {
      this.set(await log.countUnsequenced());
    },
  });
}
