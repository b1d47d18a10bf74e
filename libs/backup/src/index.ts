export { checkDatabase, createArchive, EXCLUDED_DIRS, extractArchive, partFileOf, prepareRestore, safeEntryPath, snapshotDatabase, verifyArchive, type DataDirs, type Progress, type RestorePlan } from './archive.js';
export { generateBackupName, isValidBackupName } from './names.js';
