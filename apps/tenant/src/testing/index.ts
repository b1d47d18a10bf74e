/** `@burrow/tenant/testing`: helpers to test apps built on Burrow (uses node:test and node:assert). */
export { runScenario, scenarios, type ApiScenario } from './api_scenario.js';
export { generateRecordToken, newTestApp, type TestApp } from './test_app.js';
