/** A labelled input with its hint and error, wired for screen readers. */
import { useId, type InputHTMLAttributes, type ReactNode } from 'react';

/** Props of Field: the input's own attributes plus label, hint and error. */
export interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  hint?: ReactNode;
  error?: string;
  /** Shown in place of the hint when the value is known to be good (e.g. a free name). */
  ok?: ReactNode;
}

/** One form field. */
export function Field({ label, hint, error, ok, id, ...input }: FieldProps) {
  const auto = useId();
  const inputId = id ?? auto;
  const noteId = `${inputId}-note`;
  const note = error ?? ok ?? hint;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={inputId}>{label}</label>
      <input id={inputId} aria-invalid={error ? true : undefined} aria-describedby={note ? noteId : undefined} {...input} />
      {note && (
        <p id={noteId} className={error ? 'field-error' : ok ? 'field-ok' : 'field-hint'} role={error ? 'alert' : undefined}>
          {note}
        </p>
      )}
    </div>
  );
}

/** A form-level message (not about one field). */
export function FormError({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <p className="form-error" role="alert">
      {message}
    </p>
  );
}
