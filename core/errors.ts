import { ExitCode, type ExitCodeValue } from './exit-codes.js';

/**
 * Registry of every error code gw-bench can raise. Codes are stable: never rename or
 * reuse a retired one. Each entry is documented in docs/errors.md (a test checks it).
 */
export const ERROR_CODES = {
  GW_ERR_USAGE: { exit: ExitCode.USAGE, message: 'Invalid command-line usage' },
  GW_ERR_SCENARIO_INVALID: { exit: ExitCode.USAGE, message: 'Scenario failed validation' },
  GW_ERR_SCENARIO_READ: { exit: ExitCode.USAGE, message: 'Scenario file could not be read or parsed' },
  GW_ERR_CONFIG_INVALID: { exit: ExitCode.USAGE, message: 'Configuration file failed validation' },
  GW_ERR_UNIT: { exit: ExitCode.USAGE, message: 'Value has an invalid unit or format' },
  GW_ERR_RESULT_INVALID: { exit: ExitCode.USAGE, message: 'Result file is missing or invalid' },
  GW_ERR_FD_LIMIT: { exit: ExitCode.USAGE, message: 'Plan needs more open files per process than the limit allows' },
  GW_ERR_ADDRESS_NOT_LOOPBACK: { exit: ExitCode.USAGE, message: 'Load may only target loopback addresses (127.0.0.0/8, ::1)' },
  GW_ERR_GATE_FAILED: { exit: ExitCode.GATE_FAILED, message: 'Gate failed: threshold breached or regression confirmed' },
  GW_ERR_INCONCLUSIVE: { exit: ExitCode.INCONCLUSIVE, message: 'Measurement inconclusive or invalid' },
  GW_ERR_GENERATOR_SATURATED: { exit: ExitCode.INCONCLUSIVE, message: 'Load generator fell behind in every stage' },
  GW_ERR_TARGET_UNREACHABLE: { exit: ExitCode.TARGET_FAILURE, message: 'Target is unreachable or not healthy' },
  GW_ERR_TARGET_CRASHED: { exit: ExitCode.TARGET_FAILURE, message: 'Target process exited during the run' },
  GW_ERR_CONFORMANCE: { exit: ExitCode.TARGET_FAILURE, message: 'Target failed the gateway contract checks' },
  GW_ERR_TARGET_ERRORS: { exit: ExitCode.TARGET_FAILURE, message: 'Target error rate above the allowed limit' },
  GW_ERR_BUILD_FAILED: { exit: ExitCode.TARGET_FAILURE, message: 'Building a target implementation failed' },
  GW_ERR_INTERNAL: { exit: ExitCode.INTERNAL, message: 'Internal harness error' },
  GW_ERR_WORKER: { exit: ExitCode.INTERNAL, message: 'A load-generator worker failed' },
  GW_ERR_INTERRUPTED: { exit: ExitCode.INCONCLUSIVE, message: 'Run interrupted before it finished' },
} as const satisfies Record<string, { exit: ExitCodeValue; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Base class of every error gw-bench reports to a user. */
export class GwBenchError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: ExitCodeValue;
  /** Extra lines (e.g. one per validation problem), printed after the message. */
  readonly details: readonly string[];

  constructor(code: ErrorCode, message?: string, opts: { details?: readonly string[]; cause?: unknown } = {}) {
    super(message ?? ERROR_CODES[code].message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = ERROR_CODES[code].exit;
    this.details = opts.details ?? [];
  }
}

export class UsageError extends GwBenchError {
  constructor(message: string, details?: readonly string[]) { super('GW_ERR_USAGE', message, { details }); }
}
export class ScenarioError extends GwBenchError {
  constructor(message: string, details: readonly string[] = [], code: 'GW_ERR_SCENARIO_INVALID' | 'GW_ERR_SCENARIO_READ' = 'GW_ERR_SCENARIO_INVALID') {
    super(code, message, { details });
  }
}
export class ConfigError extends GwBenchError {
  constructor(message: string, details?: readonly string[]) { super('GW_ERR_CONFIG_INVALID', message, { details }); }
}
export class UnitError extends GwBenchError {
  constructor(message: string) { super('GW_ERR_UNIT', message); }
}
export class TargetError extends GwBenchError {
  constructor(code: 'GW_ERR_TARGET_UNREACHABLE' | 'GW_ERR_TARGET_CRASHED' | 'GW_ERR_CONFORMANCE' | 'GW_ERR_TARGET_ERRORS' | 'GW_ERR_BUILD_FAILED', message: string, details?: readonly string[]) {
    super(code, message, { details });
  }
}
export class InconclusiveError extends GwBenchError {
  constructor(message: string, details?: readonly string[], code: 'GW_ERR_INCONCLUSIVE' | 'GW_ERR_GENERATOR_SATURATED' = 'GW_ERR_INCONCLUSIVE') {
    super(code, message, { details });
  }
}
export class GateFailedError extends GwBenchError {
  constructor(message: string, details?: readonly string[]) { super('GW_ERR_GATE_FAILED', message, { details }); }
}
export class InternalError extends GwBenchError {
  constructor(message: string, cause?: unknown) { super('GW_ERR_INTERNAL', message, { cause }); }
}

/** Exit code for any thrown value: a GwBenchError carries its own; anything else is internal. */
export function exitCodeOf(err: unknown): ExitCodeValue {
  return err instanceof GwBenchError ? err.exitCode : ExitCode.INTERNAL;
}
