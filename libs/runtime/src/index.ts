/** @burrow/runtime: the InstanceRuntime contract and its drivers. */
export {};
