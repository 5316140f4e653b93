import type { ComponentChildren, VNode } from 'preact';

export interface Column<T> {
  /** The column's heading, and the label each cell shows when the table is stacked on a phone. */
  header: string;
  cell(row: T): ComponentChildren;
  class?: string;
}

/**
 * A table of rows that stacks into cards on a narrow screen (each cell then shows its column's name).
 * `rowClass` marks rows (`overdue`); `empty` is what an empty table says.
 */
export function Table<T>({ caption, columns, rows, rowClass, empty, rowKey }: {
  caption?: string;
  columns: Array<Column<T>>;
  rows: T[];
  rowClass?: (row: T) => string | undefined;
  rowKey?: (row: T) => string | number;
  empty: string;
}): VNode {
  if (rows.length === 0) {
    return (
      <div class="table-wrap">
        {caption && <h3>{caption}</h3>}
        <p class="empty">{empty}</p>
      </div>
    );
  }
  return (
    <div class="table-wrap">
      <table class="stack">
        {caption && <caption>{caption}</caption>}
        <thead>
          <tr>{columns.map((c) => <th scope="col">{c.header}</th>)}</tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={rowKey ? rowKey(row) : i} class={rowClass?.(row)}>
              {columns.map((c) => (
                <td data-label={c.header} class={c.class}>{c.cell(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
