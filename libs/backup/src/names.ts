/** Backup file names: PocketBase's rule (`^[a-z0-9_-]+\.zip$`, at most 150 characters) and its generated names. */

const BACKUP_NAME = /^[a-z0-9_-]+\.zip$/;

/** Whether `name` is a valid backup name (no separators, no dots but the extension). */
export function isValidBackupName(name: string): boolean {
  return name.length >= 1 && name.length <= 150 && BACKUP_NAME.test(name);
}

function snakeCase(text: string): string {
  return text.replace(/([a-z0-9])([A-Z])/g, '$1_$2').split(/[^A-Za-z0-9]+/).filter(Boolean).join('_').toLowerCase();
}

/** `<prefix><app_name>_<yyyymmddhhmmss>.zip`, as PocketBase names backups. */
export function generateBackupName(appName: string, prefix: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${prefix}${snakeCase(appName).slice(0, 50)}_${stamp}.zip`;
}
