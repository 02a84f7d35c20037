import { useLayoutEffect, useRef, type ReactNode } from 'react';

/**
 * A table that keeps every value on a phone. Below 600 px the stylesheet turns each row into a card and shows
 * each cell's column name beside it; the names are copied here from the header row into `data-label`, so a
 * page writes an ordinary table and cannot forget a label. A MutationObserver keeps the labels right when rows
 * arrive later (loaded, paged, filtered) from any component inside.
 */
export function Table({ children, label }: { children: ReactNode; label?: string }) {
  const ref = useRef<HTMLTableElement>(null);
  useLayoutEffect(() => {
    const table = ref.current;
    if (!table) return;
    const labelCells = () => {
      const names = [...(table.tHead?.rows[0]?.cells ?? [])].map((cell) => cell.textContent?.trim() ?? '');
      for (const body of table.tBodies)
        for (const row of body.rows)
          [...row.cells].forEach((cell, column) => {
            const name = names[column] ?? '';
            // Only attribute writes, which the observer does not watch: no feedback loop.
            if (cell.dataset.label !== name) cell.dataset.label = name;
          });
    };
    labelCells();
    const observer = new MutationObserver(labelCells);
    observer.observe(table, { childList: true, subtree: true, characterData: true });
    return () => observer.disconnect();
  }, []);
  return (
    <table ref={ref} className="stack" aria-label={label}>
      {children}
    </table>
  );
}
