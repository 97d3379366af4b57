// A button that asks first when its action is grave (Stop all or Reset all while a run is going,
// stopping one server of a run, trusting a host key): a Radix AlertDialog, the safe choice focused.
import { useState, type ReactNode } from 'react';
import { AlertDialog } from 'radix-ui';
import styles from './status.module.css';

export interface Confirmation {
  title: string;
  description: ReactNode;
  /** The text of the button that goes ahead. */
  action: string;
}

export interface ConfirmButtonProps {
  children: ReactNode;
  onRun: () => void;
  /** Ask this first; null: run at once. */
  confirm: Confirmation | null;
  disabled?: boolean;
  className?: string;
  'aria-label'?: string;
  'aria-describedby'?: string;
  title?: string;
}

export function ConfirmButton({ children, onRun, confirm, disabled, className, title, ...aria }: ConfirmButtonProps) {
  const [open, setOpen] = useState(false);
  if (!confirm) {
    return (
      <button type="button" className={className} disabled={disabled} title={title} onClick={onRun} {...aria}>
        {children}
      </button>
    );
  }
  return (
    <AlertDialog.Root open={open} onOpenChange={setOpen}>
      <AlertDialog.Trigger asChild>
        <button type="button" className={className} disabled={disabled} title={title} {...aria}>
          {children}
        </button>
      </AlertDialog.Trigger>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className={styles.overlay} />
        <AlertDialog.Content className={styles.dialog}>
          <AlertDialog.Title className={styles.dialogTitle}>{confirm.title}</AlertDialog.Title>
          <AlertDialog.Description asChild>
            <div className={styles.dialogText}>{confirm.description}</div>
          </AlertDialog.Description>
          <div className={styles.dialogActions}>
            <AlertDialog.Cancel asChild>
              <button type="button" className="button-quiet">
                Cancel
              </button>
            </AlertDialog.Cancel>
            <AlertDialog.Action asChild>
              <button type="button" className={styles.danger} onClick={onRun}>
                {confirm.action}
              </button>
            </AlertDialog.Action>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
