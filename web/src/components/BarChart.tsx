/** Horizontal bars in plain SVG-free HTML: readable by screen readers as a list, no chart library needed. */
export function BarChart({
  title,
  rows,
  format = (v) => String(v),
}: {
  title: string;
  rows: Array<{ label: string; value: number; secondary?: number; note?: string }>;
  format?: (value: number) => string;
}) {
  const max = Math.max(1, ...rows.map((r) => r.value + (r.secondary ?? 0)));
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <ul className="plain">
        {rows.map((row) => (
          <li key={row.label} className="bar-row">
            <span className="bar-label">{row.label}</span>
            <span className="bar-track" aria-hidden="true">
              <span className="bar" style={{ width: `${(row.value / max) * 100}%` }} />
              {row.secondary !== undefined && (
                <span className="bar secondary" style={{ width: `${(row.secondary / max) * 100}%` }} />
              )}
            </span>
            <span className="bar-value">
              {format(row.value)}
              {row.note && <small> {row.note}</small>}
            </span>
          </li>
        ))}
      </ul>
    </figure>
  );
}
