/** A labelled input with its hint or error, wired for screen readers. */
import { useId, type InputHTMLAttributes, type ReactNode } from 'react';

/** Props of Field: the input's own attributes plus label, hint and error. */
export interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  hint?: ReactNode;
  error?: string;
}

/** One form field. */
export function Field({ label, hint, error, id, ...input }: FieldProps) {
  const auto = useId();
  const inputId = id ?? auto;
  const note = error ?? hint;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={inputId}>{label}</label>
      <input id={inputId} aria-invalid={error ? true : undefined} aria-describedby={note ? `${inputId}-note` : undefined} {...input} />
      {note && <p id={`${inputId}-note`} className={error ? 'field-error' : 'field-hint'} role={error ? 'alert' : undefined}>{note}</p>}
    </div>
  );
}

/** A form-level error line. */
export function FormError({ message }: { message?: string }) {
  return message ? <p className="form-error" role="alert">{message}</p> : null;
}
