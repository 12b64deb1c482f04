import type { CommandModule } from 'yargs';
import { gateCommand } from './gate.js';
import { upstreamCommand } from './upstream.js';
import { conformanceCommand } from './conformance.js';
import { validateCommand } from './validate.js';
import { runCommand } from './run.js';
import { baselineCommand } from './baseline.js';
import { calibrateCommand } from './calibrate.js';
import { gatewayCommand } from './gateway.js';
import { compareCommand } from './compare.js';
import { reportCommand } from './report.js';
import { planCommand } from './plan.js';
import { agentCommand } from './agent.js';
import { mergeCommand } from './merge.js';
import { clockCommand } from './clock.js';

/**
 * Every command gw-bench offers, one file each. Only commands that work are listed, so
 * `--help` never advertises something unfinished. Add one line per command.
 */
export const commands: CommandModule<any, any>[] = [
  runCommand,
  validateCommand,
  upstreamCommand,
  conformanceCommand,
  gatewayCommand,
  reportCommand,
  compareCommand,
  gateCommand,
  baselineCommand,
  calibrateCommand,
  planCommand,
  agentCommand,
  mergeCommand,
  clockCommand,
];
