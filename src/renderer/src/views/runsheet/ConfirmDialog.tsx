// A question before a change that replaces or deletes what people recorded. The action stays
// open while it runs, and a refusal is shown in the dialog rather than closing it.
import { AlertDialog } from 'radix-ui';
import type { ReactNode } from 'react';
import { FormError } from '../Field';
import { cx } from './fields';
import styles from './runsheet.module.css';

interface ConfirmDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  pending?: boolean;
  error?: string | undefined;
  danger?: boolean;
}

export function ConfirmDialog({ open, onOpenChange, title, children, confirmLabel, onConfirm, pending, error, danger }: ConfirmDialogProps) {
  return (
    <AlertDialog.Root open={open} onOpenChange={onOpenChange}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className={styles.overlay} />
        <AlertDialog.Content className={styles.dialog}>
          <AlertDialog.Title>{title}</AlertDialog.Title>
          <AlertDialog.Description asChild>
            <div className={styles.dialogText}>{children}</div>
          </AlertDialog.Description>
          <FormError message={error} />
          <div className={styles.dialogActions}>
            <AlertDialog.Cancel asChild>
              <button type="button" className="button-quiet">
                Cancel
              </button>
            </AlertDialog.Cancel>
            {/* Not AlertDialog.Action: that would close the dialog before the answer comes. */}
            <button type="button" className={cx(danger && styles.dangerButton)} onClick={onConfirm} disabled={pending}>
              {pending ? 'Working…' : confirmLabel}
            </button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
