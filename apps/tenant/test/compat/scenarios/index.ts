/**
 * The compatibility scenarios, in run order. Later scenarios use state set by earlier
 * ones (the `su`/`alice`/`bob` logins, collection and record ids). To add coverage,
 * append steps to a scenario or add a scenario file and list it here.
 */
import type { Scenario } from '../scenario.js';
import { authScenario } from './auth.js';
import { backupsScenario } from './backups.js';
import { batchScenario } from './batch.js';
import { cleanupScenario } from './cleanup.js';
import { collectionsScenario } from './collections.js';
import { emailScenario } from './email.js';
import { filesScenario } from './files.js';
import { logsScenario } from './logs.js';
import { oauth2Scenario } from './oauth2.js';
import { realtimeScenario } from './realtime.js';
import { recordsScenario } from './records.js';
import { rulesScenario } from './rules.js';
import { settingsScenario } from './settings.js';
import { superuserScenario } from './superuser.js';
import { validationScenario } from './validation.js';
import { viewsScenario } from './views.js';

/** Every scenario, in the order they must run. */
export const SCENARIOS: Scenario[] = [
  superuserScenario,
  collectionsScenario,
  authScenario,
  recordsScenario,
  rulesScenario,
  validationScenario,
  batchScenario,
  filesScenario,
  realtimeScenario,
  settingsScenario,
  logsScenario,
  emailScenario,
  oauth2Scenario,
  backupsScenario,
  viewsScenario,
  cleanupScenario,
];
