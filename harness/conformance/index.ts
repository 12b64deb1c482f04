/** Public API of the gateway conformance suite (docs/gateway-contract.md). */
export { runConformance, listChecks, type ConformanceOptions, type ConformanceReport, type CheckResult } from './runner.js';
export { CONTRACT_DEFAULTS, settingsEnv, type GatewaySettings } from './settings.js';
export { checkLine, summaryLine } from './format.js';
export { startImpl, freePort, type ImplProcess } from './impl-process.js';
export { CAPABILITIES, REFERENCE_CAPABILITIES, implCapabilities, parseCapabilities, type Capability } from './capabilities.js';
