// Pieces the setup tables share: a titled section whose heading names its table, the row
// buttons (edit in a dialog, remove with a confirmation), and an empty-table row.
import type { ReactNode } from 'react';
import { Pencil, Trash } from 'lucide-react';
import { useMutation } from '../../api/hooks';
import { useReadOnly } from '../../state/app-store';
import { ConfirmDialog, FormDialog } from './dialogs';

interface TableSectionProps {
  /** The heading's id; the table points at it (aria-labelledby) so it is named "Title (count)". */
  headingId: string;
  title: string;
  count: number;
  actions?: ReactNode;
  children: ReactNode;
}

export function TableSection({ headingId, title, count, actions, children }: TableSectionProps) {
  return (
    <section className="table-section" aria-labelledby={headingId}>
      <div className="section-head">
        <h3 id={headingId}>
          {title} <span className="count">({count})</span>
        </h3>
        {actions ? <div className="section-actions">{actions}</div> : null}
      </div>
      <div className="table-scroll">{children}</div>
    </section>
  );
}

export function EmptyRow({ columns, text }: { columns: number; text: string }) {
  return (
    <tr>
      <td colSpan={columns} className="empty">
        {text}
      </td>
    </tr>
  );
}

/** "Edit" in a row: opens the form in a dialog. `what` names the thing, e.g. `ECC server ECC0`. */
export function EditButton({ what, children }: { what: string; children: (close: () => void) => ReactNode }) {
  const readOnly = useReadOnly();
  return (
    <FormDialog
      trigger={
        <>
          <Pencil aria-hidden="true" size={15} /> Edit
        </>
      }
      triggerLabel={`Edit ${what}`}
      triggerClassName="button-row"
      disabled={readOnly}
      title={`Edit ${what}`}
    >
      {children}
    </FormDialog>
  );
}

type RemoveOperation = 'eccServers.remove' | 'dataRouters.remove' | 'dataSources.remove';

/** "Remove" in a row: asks first, and shows the server's refusal (e.g. still in use) in the dialog. */
export function RemoveButton({
  operation,
  id,
  what,
  consequence,
}: {
  operation: RemoveOperation;
  id: number;
  what: string;
  consequence?: string;
}) {
  const readOnly = useReadOnly();
  const remove = useMutation(operation);
  return (
    <ConfirmDialog
      trigger={
        <>
          <Trash aria-hidden="true" size={15} /> Remove
        </>
      }
      triggerLabel={`Remove ${what}`}
      triggerClassName="button-row"
      disabled={readOnly}
      title={`Remove ${what}?`}
      description={<p>{consequence ?? `${what} is removed from the setup. This cannot be undone.`}</p>}
      confirm="Remove"
      pending={remove.pending}
      error={remove.error?.message}
      onOpenChange={() => remove.reset()}
      onConfirm={async () => (await remove.run({ id })) !== undefined}
    />
  );
}

export function RowActions({ children }: { children: ReactNode }) {
  return <div className="row-actions">{children}</div>;
}
