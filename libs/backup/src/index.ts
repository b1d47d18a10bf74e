export { checkDatabase, createArchive, EXCLUDED_DIRS, extractArchive, safeEntryPath, snapshotDatabase, verifyArchive, type DataDirs, type Progress } from './archive.js';
export { generateBackupName, isValidBackupName } from './names.js';
