// A button that asks first when its action is grave (Stop all during a run, Reset all while the
// servers acquire without a run, Stop or Breakup of one server during a run, trusting a host
// key), and runs at once when it is not.
import type { ReactNode } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog';

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
  title?: string | undefined;
}

export function ConfirmButton({ children, onRun, confirm, disabled, className, title, ...aria }: ConfirmButtonProps) {
  if (!confirm) {
    return (
      <button type="button" className={className} disabled={disabled} title={title} onClick={onRun} {...aria}>
        {children}
      </button>
    );
  }
  return (
    <ConfirmDialog
      trigger={children}
      triggerLabel={aria['aria-label']}
      triggerClassName={className}
      triggerTitle={title}
      triggerDescribedBy={aria['aria-describedby']}
      disabled={disabled}
      title={confirm.title}
      description={confirm.description}
      confirm={confirm.action}
      destructive
      // The outcome shows beside the button, as for an action that does not ask: close at once.
      onConfirm={() => {
        onRun();
        return true;
      }}
    />
  );
}
