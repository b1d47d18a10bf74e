export { LITEFS_VERSION, LiteFsUnavailableError, fuseProblem, litefsBinary } from './binary.js';
export { primaryHostnameOf, renderNodeConfig, type NodeConfigInput } from './config.js';
export { followEvents, nodeInfo, txidOf, type InitEvent, type LiteFsEvent, type NodeInfo, type PrimaryChangeEvent, type TxEvent } from './events.js';
export { importDatabase } from './import_db.js';
export { LiteFsNode, SYSTEM_PATH, mountArgs, writeNodeConfig, type LiteFsNodeOptions } from './node.js';
export { parsePosition, readLag, readPosition, readPrimary, type Position } from './state.js';
export { isMounted, isStaleMount, unmountStale } from './mounts.js';
