// The frame of the status view's tables of ECC servers and data routers: a panel named by the
// table's caption (`Title (count)`), the column heads, and a row saying so when there is none.
import type { ReactNode } from 'react';
import { cx } from '../../components/cx';
import styles from './status.module.css';

interface StatusTableProps {
  /** The caption's id; the panel points at it (aria-labelledby). */
  headingId: string;
  title: string;
  count: number;
  /** Said in the caption after the count. */
  note?: ReactNode;
  columns: readonly string[];
  /** The row shown when `count` is 0. */
  empty: string;
  className?: string;
  /** The body rows. */
  children: ReactNode;
}

export function StatusTable({ headingId, title, count, note, columns, empty, className, children }: StatusTableProps) {
  return (
    <section className={cx('panel', className)} aria-labelledby={headingId}>
      <table className={styles.table}>
        <caption id={headingId} className={styles.caption}>
          {title} <span className={styles.count}>({count})</span>
          {note}
        </caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {count === 0 ? (
            <tr>
              <td colSpan={columns.length} className={styles.empty}>
                {empty}
              </td>
            </tr>
          ) : (
            children
          )}
        </tbody>
      </table>
    </section>
  );
}
