/**
 * One API rule: locked (null: superusers only), everyone (""), or an expression in the filter
 * language, with completion of the collection's fields and the `@request` / `@collection` names
 * as it is typed (arrow keys and Enter or Tab pick one). The server checks the syntax when the
 * collection is saved; its message shows under the rule.
 */
import { useId, useLayoutEffect, useMemo, useRef, useState } from 'react';

/** Props of RuleInput. */
export interface RuleInputProps {
  label: string;
  value: string | null;
  onChange(value: string | null): void;
  /** Names the completion offers (fields, @request.*, @collection.*). */
  names: string[];
  error?: string;
}

/** The word being typed before the caret (letters, digits, _, ., @, :). */
function wordBefore(text: string, caret: number): { start: number; word: string } {
  const m = /[@\w.:]*$/.exec(text.slice(0, caret));
  const word = m?.[0] ?? '';
  return { start: caret - word.length, word };
}

/** The rule editor. */
export function RuleInput({ label, value, onChange, names, error }: RuleInputProps) {
  const id = useId();
  const area = useRef<HTMLTextAreaElement>(null);
  // Where the caret goes once a picked name is in the text: set right after that render, before
  // the next key is handled (a frame later would move it back over what was typed meanwhile).
  const pendingCaret = useRef<number | null>(null);
  useLayoutEffect(() => {
    if (pendingCaret.current === null || !area.current) return;
    area.current.setSelectionRange(pendingCaret.current, pendingCaret.current);
    pendingCaret.current = null;
  });
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [open, setOpen] = useState(false);
  // "Expression" stays chosen while its text is emptied (an empty expression saves as Everyone).
  const [custom, setCustom] = useState(value !== null && value !== '');
  const mode = value === null ? 'locked' : custom ? 'custom' : value === '' ? 'everyone' : 'custom';
  const text = value ?? '';
  const { start, word } = wordBefore(text, caret);
  const suggestions = useMemo(
    () => (word.length === 0 ? [] : names.filter((n) => n.startsWith(word) && n !== word).slice(0, 8)),
    [names, word],
  );
  const showing = open && suggestions.length > 0;

  const pick = (name: string) => {
    const next = text.slice(0, start) + name + text.slice(caret);
    onChange(next);
    const at = start + name.length;
    pendingCaret.current = at;
    setCaret(at);
    setOpen(false);
  };

  return (
    <fieldset className={`rule${error ? ' field-invalid' : ''}`}>
      <legend>{label}</legend>
      <div className="rule-modes" role="radiogroup" aria-label={`${label}: who may`}>
        {(['locked', 'everyone', 'custom'] as const).map((m) => (
          <label key={m}>
            <input type="radio" name={id} checked={mode === m}
              onChange={() => {
                setCustom(m === 'custom');
                onChange(m === 'locked' ? null : m === 'everyone' ? '' : text || '@request.auth.id != ""');
              }} />
            {m === 'locked' ? 'Superusers only' : m === 'everyone' ? 'Everyone' : 'Expression'}
          </label>
        ))}
      </div>
      {mode === 'custom' && (
        <div className="rule-edit">
          <textarea ref={area} id={id} aria-label={`${label} expression`} className="mono" rows={2} spellCheck={false} value={text}
            aria-invalid={error ? true : undefined} aria-autocomplete="list" aria-controls={`${id}-list`} aria-expanded={showing}
            onChange={(e) => { onChange(e.target.value); setCaret(e.target.selectionStart); setOpen(true); setActive(0); }}
            onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
            onBlur={() => setTimeout(() => setOpen(false), 150)}
            onKeyDown={(e) => {
              if (!showing) return;
              if (e.key === 'ArrowDown') { e.preventDefault(); setActive((a) => (a + 1) % suggestions.length); }
              else if (e.key === 'ArrowUp') { e.preventDefault(); setActive((a) => (a - 1 + suggestions.length) % suggestions.length); }
              else if (e.key === 'Enter' || e.key === 'Tab') { e.preventDefault(); pick(suggestions[active] ?? suggestions[0]!); }
              else if (e.key === 'Escape') setOpen(false);
            }} />
          {showing && (
            <ul id={`${id}-list`} className="suggestions" role="listbox" aria-label="Suggestions">
              {suggestions.map((s, i) => (
                <li key={s} role="option" aria-selected={i === active} className={i === active ? 'active' : undefined}
                  onMouseDown={(e) => { e.preventDefault(); pick(s); }}>{s}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {mode === 'custom' && text.trim() === '' && <p className="field-hint">An empty expression lets everyone.</p>}
      {error && <p className="field-error" role="alert">{error}</p>}
    </fieldset>
  );
}
