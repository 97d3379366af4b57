// The two dialogs of the setup view: a form in a dialog (add, edit) and a confirmation that
// stays open to show the server's refusal (remove, import, clear). Radix handles the focus
// trap, Escape, and giving focus back to the button that opened them.
import { useState, type ReactNode } from 'react';
import { AlertDialog, Dialog } from 'radix-ui';
import { X } from 'lucide-react';
import { FormError } from '../Field';

interface FormDialogProps {
  /** The button that opens the dialog (its content and accessible name). */
  trigger: ReactNode;
  triggerLabel?: string;
  triggerClassName?: string;
  disabled?: boolean;
  title: string;
  description?: ReactNode;
  /** The dialog's body; `close` closes it (e.g. after the change was accepted). */
  children: (close: () => void) => ReactNode;
}

export function FormDialog({ trigger, triggerLabel, triggerClassName, disabled, title, description, children }: FormDialogProps) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger asChild>
        <button type="button" className={triggerClassName} aria-label={triggerLabel} disabled={disabled}>
          {trigger}
        </button>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        {/* Without a description Radix wants aria-describedby set to undefined explicitly. */}
        <Dialog.Content
          className="dialog"
          {...(description ? {} : { 'aria-describedby': undefined })}
          onOpenAutoFocus={(event) => {
            // Straight to the form's first field rather than the close button.
            const first = (event.currentTarget as HTMLElement | null)?.querySelector<HTMLElement>('form input, form select, form textarea');
            if (first) {
              event.preventDefault();
              first.focus();
            }
          }}
        >
          <div className="dialog-head">
            <Dialog.Title>{title}</Dialog.Title>
            <Dialog.Close asChild>
              <button type="button" className="button-icon" aria-label="Close">
                <X aria-hidden="true" size={18} />
              </button>
            </Dialog.Close>
          </div>
          {description ? <Dialog.Description className="panel-note">{description}</Dialog.Description> : null}
          {open ? children(() => setOpen(false)) : null}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

interface ConfirmDialogProps {
  /** The button that opens it; without one the dialog is opened by `open`. */
  trigger?: ReactNode;
  triggerLabel?: string;
  triggerClassName?: string;
  disabled?: boolean;
  /** Controlled: whether it is open (used without a trigger). */
  open?: boolean;
  title: string;
  description: ReactNode;
  /** The confirming button's text, e.g. "Remove". */
  confirm: string;
  /** Runs the change; resolves true when it was accepted (the dialog closes), false when refused. */
  onConfirm: () => Promise<boolean>;
  pending: boolean;
  /** The refusal to show in the dialog. */
  error: string | undefined;
  /** Called when the dialog opens or closes, e.g. to forget an earlier refusal. */
  onOpenChange?: (open: boolean) => void;
  danger?: boolean;
}

export function ConfirmDialog({
  trigger,
  triggerLabel,
  triggerClassName,
  disabled,
  open: controlledOpen,
  title,
  description,
  confirm,
  onConfirm,
  pending,
  error,
  onOpenChange,
  danger = true,
}: ConfirmDialogProps) {
  const [ownOpen, setOwnOpen] = useState(false);
  const open = controlledOpen ?? ownOpen;
  const change = (next: boolean) => {
    setOwnOpen(next);
    onOpenChange?.(next);
  };
  return (
    <AlertDialog.Root open={open} onOpenChange={change}>
      {trigger !== undefined ? (
        <AlertDialog.Trigger asChild>
          <button type="button" className={triggerClassName} aria-label={triggerLabel} disabled={disabled}>
            {trigger}
          </button>
        </AlertDialog.Trigger>
      ) : null}
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="dialog-overlay" />
        <AlertDialog.Content className="dialog dialog-confirm">
          <AlertDialog.Title>{title}</AlertDialog.Title>
          <AlertDialog.Description asChild>
            <div className="dialog-description">{description}</div>
          </AlertDialog.Description>
          <FormError message={error} />
          <div className="actions actions-end">
            <AlertDialog.Cancel asChild>
              <button type="button" className="button-quiet">
                {error ? 'Close' : 'Cancel'}
              </button>
            </AlertDialog.Cancel>
            {/* Not AlertDialog.Action: that would close the dialog before the server answered. */}
            <button
              type="button"
              className={danger ? 'button-danger' : undefined}
              disabled={pending}
              onClick={() => {
                void onConfirm().then((accepted) => {
                  if (accepted) change(false);
                });
              }}
            >
              {pending ? `${confirm}…` : confirm}
            </button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
