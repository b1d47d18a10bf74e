/**
 * Collections as JSON (PocketBase's format): export all of them (copy or download), or import
 * a pasted set, optionally deleting the collections the set does not name.
 */
import { useEffect, useState } from 'react';
import { FormError } from '../components/field';
import { useAction } from '../hooks';
import { pb } from '../pb';

/** The import/export page; `onImported` reloads the sidebar. */
export function ImportExportPage({ onImported }: { onImported(): void }) {
  const [exported, setExported] = useState('');
  const [pasted, setPasted] = useState('');
  const [deleteMissing, setDeleteMissing] = useState(false);
  const [done, setDone] = useState<string>();
  const { busy, failure, run } = useAction();

  useEffect(() => {
    void pb.collections.getFullList({ sort: 'created' }).then((list) => setExported(JSON.stringify(list, null, 2)));
  }, []);

  const download = () => {
    const url = URL.createObjectURL(new Blob([exported], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'collections.json';
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  const importNow = () => {
    setDone(undefined);
    void run(async () => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(pasted);
      } catch {
        throw new Error('The pasted text is not valid JSON.');
      }
      if (!Array.isArray(parsed)) throw new Error('Paste an array of collections, as the export gives.');
      await pb.collections.import(parsed, deleteMissing);
      setDone(`Imported ${parsed.length} collection${parsed.length === 1 ? '' : 's'}.`);
      onImported();
    });
  };

  return (
    <section aria-labelledby="ie-title" className="stack">
      <h1 id="ie-title">Import and export collections</h1>
      <div className="card">
        <h2>Export</h2>
        <textarea aria-label="Exported collections" className="mono" rows={8} readOnly value={exported} />
        <div className="actions">
          <button type="button" className="button-small" onClick={download} disabled={!exported}>Download JSON</button>
          <button type="button" className="button-small" onClick={() => void navigator.clipboard?.writeText(exported)} disabled={!exported}>Copy</button>
        </div>
      </div>
      <div className="card">
        <h2>Import</h2>
        <textarea aria-label="Collections to import" className="mono" rows={8} spellCheck={false} value={pasted} onChange={(e) => setPasted(e.target.value)}
          placeholder='[{"name": "posts", "type": "base", "fields": [...]}]' />
        <label className="flag">
          <input type="checkbox" checked={deleteMissing} onChange={(e) => setDeleteMissing(e.target.checked)} /> Delete the collections (and their records) that are not in the import
        </label>
        <FormError message={failure?.message} />
        {done && <p role="status">{done}</p>}
        <div className="actions">
          <button type="button" className="button-primary" disabled={busy || !pasted.trim()} onClick={importNow}>Import</button>
        </div>
      </div>
    </section>
  );
}
