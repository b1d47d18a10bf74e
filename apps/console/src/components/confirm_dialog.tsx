/**
 * A modal confirmation built on <dialog> (focus is trapped and Escape closes it natively).
 * With `typeToConfirm`, the confirm button stays disabled until that text is typed.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

/** Props of ConfirmDialog. */
export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  typeToConfirm?: string;
  busy?: boolean;
  error?: string;
  onConfirm(): void;
  onClose(): void;
}

/** The dialog. */
export function ConfirmDialog({ open, title, children, confirmLabel, danger, typeToConfirm, busy, error, onConfirm, onClose }: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState('');
  const titleId = useId();
  const inputId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      setTyped('');
      dialog.showModal();
    } else if (!open && dialog.open) dialog.close();
  }, [open]);
  const allowed = !busy && (typeToConfirm === undefined || typed === typeToConfirm);
  return (
    <dialog ref={ref} aria-labelledby={titleId} onClose={onClose} className="dialog">
      <form
        method="dialog"
        onSubmit={(event) => {
          event.preventDefault();
          if (allowed) onConfirm();
        }}
      >
        <h2 id={titleId}>{title}</h2>
        <div className="dialog-body">{children}</div>
        {typeToConfirm !== undefined && (
          <div className="field">
            <label htmlFor={inputId}>
              Type <strong>{typeToConfirm}</strong> to confirm
            </label>
            <input id={inputId} value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" autoCapitalize="off" spellCheck={false} />
          </div>
        )}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={danger ? 'button-danger' : 'button-primary'} disabled={!allowed}>
            {busy ? 'Working…' : confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
