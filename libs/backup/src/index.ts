export { checkDatabase, createArchive, DB_FILES, EXCLUDED_DIRS, partFileOf, snapshotDatabase, type DataDirs, type Progress } from './archive.js';
export { fsyncPath } from './durable.js';
export { DEFAULT_MAX_ENTRIES, defaultExtractLimits, DISK_RESERVE_BYTES, extractArchive, MAX_EXPANSION_RATIO, MIN_MAX_BYTES, safeEntryPath, verifyArchive, type ExtractLimits, type ExtractOptions } from './extract.js';
export { generateBackupName, isValidBackupName } from './names.js';
export { parentGoneSignal } from './parent.js';
export { checkExtracted, planSwap, prepareRestore, type RestorePlan, type SwapOps } from './restore.js';
