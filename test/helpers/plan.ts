import type pg from 'pg';

interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

/** Runs a compiled query under `EXPLAIN (ANALYZE, FORMAT JSON)`; returns its plan's root. */
export async function analysedPlan(
  pool: pg.Pool,
  query: { sql: string; parameters: readonly unknown[] },
): Promise<PlanNode> {
  const { rows } = await pool.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
    `EXPLAIN (ANALYZE, FORMAT JSON) ${query.sql}`,
    query.parameters as unknown[],
  );
  return rows[0]!['QUERY PLAN'][0]!.Plan;
}

/**
 * How many rows the plan's scans of `table` (or of its partitions, `table_p<n>`, when the test suite runs
 * partitioned) read: those they returned and those their filters removed, over all their loops.
 */
export function rowsRead(node: PlanNode, table: string): number {
  const own = new RegExp(`^${table}(_p\\d+)?$`).test(node['Relation Name'] ?? '')
    ? (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0)) * node['Actual Loops']
    : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsRead(child, table), 0);
}
