// The setup view's form in a dialog (add, edit). Radix handles the focus trap, Escape, and giving
// focus back to the button that opened it.
import { useState, type ReactNode } from 'react';
import { Dialog } from 'radix-ui';
import { X } from 'lucide-react';

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
