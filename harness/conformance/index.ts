/** Public API of the gateway conformance suite (docs/gateway-contract.md). */
export { runConformance, listChecks, type ConformanceOptions, type ConformanceReport, type CheckResult } from './runner.js';
export { CONTRACT_DEFAULTS, settingsEnv, type GatewaySettings } from './settings.js';
export { checkLine, summaryLine } from './format.js';
export { startImpl, type ImplProcess } from '../processes/impl-command.js';
export { freePort } from '../../core/processes/free-port.js';
