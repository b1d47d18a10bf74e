/**
 * A side panel (dialog): the backdrop closes it, so does Escape wherever the focus is; the
 * focus moves into it when it opens and back to where it was when it closes.
 */
import { useEffect, useId, useRef, type ReactNode } from 'react';

/** Props of Panel. */
export interface PanelProps {
  title: string;
  wide?: boolean;
  onClose(): void;
  children: ReactNode;
}

/** The panel. */
export function Panel({ title, wide, onClose, children }: PanelProps) {
  const titleId = useId();
  const aside = useRef<HTMLElement>(null);
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    aside.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close.current();
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      before?.focus();
    };
  }, []);
  return (
    <div className="panel-backdrop" onClick={onClose}>
      <aside ref={aside} tabIndex={-1} className={`panel${wide ? ' wide' : ''}`} role="dialog" aria-modal="true" aria-labelledby={titleId} onClick={(e) => e.stopPropagation()}>
        <header className="panel-head">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="button-small" onClick={onClose} aria-label="Close">✕</button>
        </header>
        {children}
      </aside>
    </div>
  );
}
