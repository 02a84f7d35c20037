import { cities } from 'turkey-map-react/lib/data';

/**
 * A choropleth of Türkiye's 81 provinces (outlines from turkey-map-react's data): the darker, the more
 * complaints. Every province carries a title with its name and count, for tooltips and screen readers.
 */
export function ProvinceMap({ title, counts }: { title: string; counts: Map<number, number> }) {
  const max = Math.max(1, ...counts.values());
  const fill = (count: number) =>
    count === 0 ? '#e6eaee' : `rgba(180, 35, 24, ${0.25 + 0.75 * (count / max)})`;
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox="20 140 1020 450" role="img" aria-label={title} style={{ width: '100%', height: 'auto' }}>
        {cities.map((city) => {
          const count = counts.get(city.plateNumber) ?? 0;
          return (
            <path
              key={city.id}
              d={city.path}
              fill={fill(count)}
              stroke="#fff"
              strokeWidth={1}
              data-province={city.plateNumber}
            >
              <title>{`${city.name}: ${count}`}</title>
            </path>
          );
        })}
      </svg>
    </figure>
  );
}
