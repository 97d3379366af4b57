// The question asked before a grave change (remove, replace, clear, stop a run, trust a key).
// It stays open while the change runs, so that a refusal is shown inside it rather than lost.
// Radix handles the focus trap, Escape, the safe choice focused, and the focus given back.
import { useState, type ReactNode } from 'react';
import { AlertDialog } from 'radix-ui';
import { FormError } from './Field';

interface ConfirmDialogProps {
  /** The button that opens it (its content); without one the dialog is opened by `open`. */
  trigger?: ReactNode;
  /** The trigger's accessible name, when its content does not say enough. */
  triggerLabel?: string | undefined;
  triggerClassName?: string;
  /** The trigger's tooltip: why it is disabled, or what it does. */
  triggerTitle?: string | undefined;
  triggerDescribedBy?: string | undefined;
  disabled?: boolean;
  /** Controlled: whether it is open (used without a trigger). */
  open?: boolean;
  /** Called when the dialog opens or closes, e.g. to forget an earlier refusal. */
  onOpenChange?: (open: boolean) => void;
  title: string;
  description: ReactNode;
  /** The confirming button's text, e.g. "Remove". */
  confirm: string;
  /**
   * Runs the change. The dialog closes when it returns (or resolves to) true, i.e. the change was
   * accepted; otherwise it stays open, with the refusal in `error`, or until the caller closes it.
   */
  onConfirm: () => boolean | void | Promise<boolean | void>;
  pending?: boolean;
  /** The refusal to show in the dialog. */
  error?: string | undefined;
  /** The confirming button in the colour of danger. */
  destructive?: boolean;
}

export function ConfirmDialog({
  trigger,
  triggerLabel,
  triggerClassName,
  triggerTitle,
  triggerDescribedBy,
  disabled,
  open: controlledOpen,
  onOpenChange,
  title,
  description,
  confirm,
  onConfirm,
  pending = false,
  error,
  destructive = false,
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
          <button
            type="button"
            className={triggerClassName}
            aria-label={triggerLabel}
            aria-describedby={triggerDescribedBy}
            title={triggerTitle}
            disabled={disabled}
          >
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
            {/* Not AlertDialog.Action: that would close the dialog before the answer came. */}
            <button
              type="button"
              className={destructive ? 'button-danger' : undefined}
              disabled={pending}
              onClick={() => {
                void Promise.resolve(onConfirm()).then((accepted) => {
                  if (accepted === true) change(false);
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
