import {
  BarController,
  BarElement,
  CategoryScale,
  Chart as ChartJs,
  Legend,
  LinearScale,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { useEffect, useId, useRef } from 'react';
import { useI18n } from '../i18n.js';
import { Table } from './Table.js';

// Only what the dashboard draws: bars on a category axis, with a legend and tooltips (tree-shaken).
ChartJs.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

export interface Series {
  label: string;
  values: number[];
  colour: string;
}

/**
 * A bar chart drawn by Chart.js on a canvas, with real axes; its numbers are also a table (under "show as a
 * table"), which is what a screen reader reads and what a person copies. Horizontal for long names (brands,
 * companies, provinces), vertical for days.
 */
export function Chart({
  title,
  tableLabel = title,
  labels,
  series,
  horizontal = false,
  stacked = false,
  whole = true,
  format = (value) => value.toLocaleString('tr-TR'),
}: {
  title: string;
  /** The table's name when the chart has no title of its own (it sits under a map that has one). */
  tableLabel?: string;
  labels: string[];
  series: Series[];
  horizontal?: boolean;
  stacked?: boolean;
  /** Counts: ticks on whole numbers only (no "0,5 complaints"). */
  whole?: boolean;
  format?: (value: number) => string;
}) {
  const { t } = useI18n();
  const canvas = useRef<HTMLCanvasElement>(null);
  const titleId = useId();
  useEffect(() => {
    if (!canvas.current) return;
    const valueAxis = {
      beginAtZero: true,
      stacked,
      ticks: { precision: whole ? 0 : undefined, callback: (v: number | string) => format(Number(v)) },
    };
    const config: ChartConfiguration<'bar'> = {
      type: 'bar',
      data: {
        labels,
        datasets: series.map((s) => ({
          label: s.label,
          data: s.values,
          backgroundColor: s.colour,
          // A single day is a bar of sensible width, not a slab across the chart.
          maxBarThickness: 48,
        })),
      },
      options: {
        indexAxis: horizontal ? 'y' : 'x',
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: series.length > 1, position: 'bottom' },
          tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${format(Number(item.raw))}` } },
        },
        scales: horizontal
          ? { x: valueAxis, y: { stacked, ticks: { autoSkip: false } } }
          : { x: { stacked }, y: valueAxis },
      },
    };
    const chart = new ChartJs(canvas.current, config);
    return () => chart.destroy();
  }, [labels, series, horizontal, stacked, whole, format]);

  // Tall enough for every name on a horizontal chart.
  const height = horizontal ? Math.max(160, 36 + labels.length * 28) : 260;
  return (
    <figure className="chart" aria-labelledby={titleId}>
      {title && <figcaption id={titleId}>{title}</figcaption>}
      {/* A style property set through the DOM, which the strict CSP allows (a style attribute it would not). */}
      <div className="chart-canvas" style={{ height }}>
        <canvas ref={canvas} role="img" aria-label={title || tableLabel} />
      </div>
      <details>
        <summary>{t.showAsTable}</summary>
        <Table label={tableLabel}>
          <thead>
            <tr>
              <th scope="col">{t.chartLabel}</th>
              {series.map((s) => (
                <th key={s.label} scope="col">
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {labels.map((label, i) => (
              <tr key={label}>
                <td>{label}</td>
                {series.map((s) => (
                  <td key={s.label}>{format(s.values[i] ?? 0)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </Table>
      </details>
    </figure>
  );
}
