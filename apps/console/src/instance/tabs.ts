/**
 * The instance page's tabs. A new tab (backups, replicas...) is one component and one entry
 * here: its id is the last segment of the URL (/instances/:id/<tab>).
 */
import type { ComponentType } from 'react';
import type { Instance } from '../api/client';
import { BackupsTab } from './backups_tab';
import { LogsTab } from './logs_tab';
import { OverviewTab } from './overview_tab';
import { ReplicasTab } from './replicas_tab';
import { SecretsTab } from './secrets_tab';
import { SettingsTab } from './settings_tab';

/** What every tab receives. */
export interface TabProps {
  instance: Instance;
  /** Reloads the instance after an action. */
  refresh(): Promise<void>;
}

/** One tab. */
export interface InstanceTab {
  id: string;
  label: string;
  Component: ComponentType<TabProps>;
}

/** In display order; the first is the default. */
export const INSTANCE_TABS: readonly InstanceTab[] = [
  { id: 'overview', label: 'Overview', Component: OverviewTab },
  { id: 'secrets', label: 'Secrets', Component: SecretsTab },
  { id: 'logs', label: 'Logs', Component: LogsTab },
  { id: 'backups', label: 'Backups', Component: BackupsTab },
  { id: 'replicas', label: 'Replicas', Component: ReplicasTab },
  { id: 'settings', label: 'Settings', Component: SettingsTab },
];
