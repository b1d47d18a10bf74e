/**
 * The dashboard: the installer or the login until a superuser is signed in, then the
 * collections in a sidebar and the records of the one chosen.
 */
import { useCallback, useEffect, useState } from 'react';
import type { CollectionModel } from 'pocketbase';
import { CollectionPanel } from './collections/collection_panel';
import { ImportExportPage } from './collections/import_export';
import { authActionPage } from './pages/auth_actions';
import { BackupsPage } from './settings/backups_page';
import { LogsPage } from './settings/logs_page';
import { SettingsPage } from './settings/settings_page';
import { InstallPage } from './pages/install';
import { LoginPage } from './pages/login';
import { failureOf, pb } from './pb';
import { RecordsPage } from './records/records_page';
import { go, href, useRoute } from './router';
import { adoptFragmentToken, useSignedIn } from './session';

// The console's "Open dashboard" link hands a token in the fragment: taken before the first render.
const adopted = adoptFragmentToken();

/** The whole app. */
export function App() {
  const route = useRoute();
  const signedIn = useSignedIn();
  const action = authActionPage(route);
  if (action) return action;
  if (route[0] === 'pbinstall' && route[1] && !signedIn) return <InstallPage token={route[1]} />;
  if (!signedIn) return <LoginPage />;
  return <Shell route={route} />;
}

function Shell({ route }: { route: string[] }) {
  const [collections, setCollections] = useState<CollectionModel[]>();
  const [error, setError] = useState<string>();
  const [editing, setEditing] = useState<CollectionModel | 'new'>();
  // At phone width the sidebar folds into a menu, closed again by any navigation.
  const [menuOpen, setMenuOpen] = useState(false);
  const routeKey = route.join('/');
  useEffect(() => setMenuOpen(false), [routeKey]);
  const load = useCallback(async () => {
    try {
      setCollections(await pb.collections.getFullList({ sort: 'name' }));
      setError(undefined);
    } catch (err) {
      setError(failureOf(err).message);
    }
  }, []);
  useEffect(() => {
    // A token from the console has no record yet: refresh it once (also checks it still works).
    if (adopted && !pb.authStore.record) void pb.collection('_superusers').authRefresh().catch(() => pb.authStore.clear());
    void load();
  }, [load]);

  const current = route[0] === 'collections' ? collections?.find((c) => c.name === route[1] || c.id === route[1]) : undefined;
  useEffect(() => {
    // The start page is the first collection of the user's own (not a system one).
    if (collections && (route.length === 0 || (route[0] === 'collections' && !current && !editing))) {
      const first = collections.find((c) => !c.system) ?? collections[0];
      if (first) go(`/collections/${first.name}`);
    }
  }, [collections, current, route, editing]);

  const saved = async (c?: CollectionModel) => {
    setEditing(undefined);
    await load();
    if (c) go(`/collections/${c.name}`);
    else go('/');
  };

  const own = collections?.filter((c) => !c.system) ?? [];
  const system = collections?.filter((c) => c.system) ?? [];
  return (
    <div className="shell">
      <nav className={`sidebar${menuOpen ? ' open' : ''}`} aria-label="Collections">
        <div className="brand">
          Dashboard
          <button type="button" className="button-small menu-toggle" aria-expanded={menuOpen} onClick={() => setMenuOpen((o) => !o)}>Menu</button>
        </div>
        <div className="nav-body">
        <button type="button" className="button-small" onClick={() => setEditing('new')}>New collection</button>
        <ul>
          {own.map((c) => <CollectionLink key={c.id} c={c} active={c.id === current?.id} />)}
        </ul>
        {system.length > 0 && <p className="sidebar-heading">System</p>}
        <ul>
          {system.map((c) => <CollectionLink key={c.id} c={c} active={c.id === current?.id} />)}
        </ul>
        <p className="sidebar-heading">Instance</p>
        <ul>
          {([['logs', 'Logs'], ['backups', 'Backups'], ['settings', 'Settings'], ['import-export', 'Import / export']] as const).map(([path, label]) => (
            <li key={path}><a href={href(`/${path}`)} aria-current={route[0] === path ? 'page' : undefined} className={route[0] === path ? 'active' : undefined}>{label}</a></li>
          ))}
        </ul>
        <div className="sidebar-foot">
          <span className="muted" title={pb.authStore.record?.email as string | undefined}>{(pb.authStore.record?.email as string | undefined) ?? 'superuser'}</span>
          <button type="button" className="button-small" onClick={() => pb.authStore.clear()}>Log out</button>
        </div>
        </div>
      </nav>
      <main className="content">
        {error && <p className="form-error" role="alert">{error}</p>}
        {route[0] === 'import-export' && <ImportExportPage onImported={() => void load()} />}
        {route[0] === 'settings' && <SettingsPage />}
        {route[0] === 'backups' && <BackupsPage />}
        {route[0] === 'logs' && <LogsPage />}
        {current && <RecordsPage key={current.id} collection={current} onEdit={() => setEditing(current)} />}
        {editing && collections && (
          <CollectionPanel key={editing === 'new' ? 'panel-new' : `panel-${editing.id}`} collection={editing === 'new' ? undefined : editing} collections={collections}
            onClose={() => setEditing(undefined)} onSaved={(c) => void saved(c)} />
        )}
        {collections && collections.length === 0 && <p className="muted">No collections yet.</p>}
      </main>
    </div>
  );
}

function CollectionLink({ c, active }: { c: CollectionModel; active: boolean }) {
  return (
    <li>
      <a href={href(`/collections/${c.name}`)} aria-current={active ? 'page' : undefined} className={active ? 'active' : undefined}>
        {c.name}
        {c.type !== 'base' && <span className="collection-type">{c.type}</span>}
      </a>
    </li>
  );
}
