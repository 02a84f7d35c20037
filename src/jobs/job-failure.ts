/**
 * What a failed job hands to pg-boss, which stores it in `pgboss.job.output` (and so in the WAL): the
 * error's kind and code only. Messages are left out because they can quote data — a parser's message
 * quotes the offending cell, a database error the offending value — and an address must never be stored
 * in plaintext. The full error goes to the log, which has its own redaction.
 */
export class JobFailure extends Error {
  override name = 'JobFailure';
  constructor(error: unknown) {
    const kind = error instanceof Error ? error.name : typeof error;
    const code = (error as { code?: unknown } | null)?.code;
    super(typeof code === 'string' && /^[\w.-]{1,40}$/.test(code) ? `${kind} ${code}` : kind);
    // pg-boss serialises the stack too; ours says nothing about the data, the cause's might.
    this.stack = `${this.name}: ${this.message}`;
  }
}
