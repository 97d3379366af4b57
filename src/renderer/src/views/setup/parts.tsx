// Pieces the setup tables share: a titled section whose heading names its table, the add button
// and the row buttons (add and edit in a dialog, remove with a confirmation), the fields' frame,
// and an empty-table row.
import type { ReactNode } from 'react';
import { Pencil, Plus, Trash } from 'lucide-react';
import type { InputOf } from '../../../../shared/api/contract';
import { useMutation } from '../../api/hooks';
import { useReadOnly } from '../../state/app-store';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { FormError } from '../../components/Field';
import { FormDialog } from './dialogs';

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
function EditButton({ what, children }: { what: string; children: (close: () => void) => ReactNode }) {
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

type RemoveOperation = 'eccServers.remove' | 'dataRouters.remove' | 'dataSources.remove' | 'sshHosts.remove';

/** "Remove" in a row: asks first, and shows the server's refusal (e.g. still in use) in the dialog. */
export function RemoveButton<K extends RemoveOperation>({
  operation,
  input,
  what,
  consequence,
}: {
  operation: K;
  input: InputOf<K>;
  /** Names the thing, e.g. `ECC server ECC0`. */
  what: string;
  consequence: string;
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
      description={<p>{consequence}</p>}
      confirm="Remove"
      destructive
      pending={remove.pending}
      error={remove.error?.message}
      onOpenChange={() => remove.reset()}
      onConfirm={async () => (await remove.run(input)) !== undefined}
    />
  );
}

export function RowActions({ children }: { children: ReactNode }) {
  return <div className="row-actions">{children}</div>;
}

/** A row's Edit (the form in a dialog) and Remove (asked first). `what` names the thing, e.g. `ECC server ECC0`. */
export function EditRemoveActions<K extends RemoveOperation>({
  what,
  edit,
  remove,
}: {
  what: string;
  /** The edit form; `close` closes its dialog. */
  edit: (close: () => void) => ReactNode;
  remove: { operation: K; input: InputOf<K>; consequence: string };
}) {
  return (
    <RowActions>
      <EditButton what={what}>{edit}</EditButton>
      <RemoveButton operation={remove.operation} input={remove.input} what={what} consequence={remove.consequence} />
    </RowActions>
  );
}

/** The last column's header: the row buttons, named for screen readers only. */
export function ActionsHeader() {
  return (
    <th scope="col">
      <span className="visually-hidden">Actions</span>
    </th>
  );
}

/** "Add …" above a table: opens the form in a dialog. `what` names the kind, e.g. `ECC server`. */
export function AddButton({
  what,
  title,
  disabled = false,
  children,
}: {
  what: string;
  title: string;
  disabled?: boolean;
  children: (close: () => void) => ReactNode;
}) {
  const readOnly = useReadOnly();
  return (
    <FormDialog
      trigger={
        <>
          <Plus aria-hidden="true" size={16} /> Add {what}…
        </>
      }
      disabled={readOnly || disabled}
      title={title}
    >
      {children}
    </FormDialog>
  );
}

/** The fields of a setup form, disabled while it is sent, with the refusal above and the submit button below. */
export function FormFields({ pending, error, submitLabel, children }: { pending: boolean; error: string | undefined; submitLabel: string; children: ReactNode }) {
  return (
    <fieldset disabled={pending}>
      <FormError message={error} />
      {children}
      <div className="actions">
        <button type="submit">{submitLabel}</button>
      </div>
    </fieldset>
  );
}
