import type { CommandModule } from 'yargs';
import { UsageError } from '../../core/errors.js';
import { parseDuration } from '../../core/units.js';

interface Args {
  scenario: string;
  agents: number;
  out: string;
  target?: string;
  'allow-remote-target': boolean;
  'start-at'?: string;
  'start-in': string;
  'clock-url'?: string;
}

/** A whole number >= 1 from a flag, or exit 2 naming the flag and value. */
export function positiveInt(v: unknown, flag: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new UsageError(`${flag}: ${JSON.stringify(v)} is not a whole number >= 1`);
  return v;
}

/** --start-at ISO time, else now + --start-in. */
export function startTime(startAt: string | undefined, startIn: string, now = Date.now()): number {
  if (startAt !== undefined) {
    const t = /^\d{4}-\d{2}-\d{2}T/.test(startAt) ? Date.parse(startAt) : NaN;
    if (!Number.isFinite(t)) throw new UsageError(`--start-at: ${JSON.stringify(startAt)} is not an ISO time like 2026-01-31T12:00:00Z`);
    if (t <= now) throw new UsageError(`--start-at: ${JSON.stringify(startAt)} is in the past`);
    return t;
  }
  return now + parseDuration(startIn, '--start-in');
}

/** `gw-bench plan <scenario> --agents N --out plan/`: one plan per generator agent, with a common start time. */
export const planCommand: CommandModule<object, Args> = {
  command: 'plan <scenario>',
  describe: 'Split a scenario over N generator agents: writes plan/agent-K.json, manifest.json and jwt.env (see docs/distributed.md)',
  builder: (y) => y
    .positional('scenario', { type: 'string', demandOption: true, describe: 'Scenario YAML' })
    .option('agents', { type: 'number', demandOption: true, describe: 'Number of agents (one per machine or pod)' })
    .option('out', { type: 'string', demandOption: true, describe: 'Folder for the plans' })
    .option('target', { type: 'string', describe: 'Target base URL as the agents reach it (default: the scenario\'s target.url); loopback unless --allow-remote-target' })
    .option('allow-remote-target', { type: 'boolean', default: false, describe: 'Allow a target outside 127.0.0.0/8: only for hosts and clusters you own' })
    .option('start-at', { type: 'string', describe: 'Common start time, ISO 8601 (coordinator clock)' })
    .option('start-in', { type: 'string', default: '60s', describe: 'Common start this long from now (when --start-at is absent)' })
    .option('clock-url', { type: 'string', describe: 'Coordinator time source the agents measure their offset against (gw-bench clock), e.g. http://10.0.0.5:9470/time' }) as never,
  handler: async (args) => {
    const agents = positiveInt(args.agents, '--agents');
    const startAtEpochMs = startTime(args['start-at'], args['start-in']);
    if (args['clock-url'] !== undefined && !/^http:\/\/[^/]+\/time$/.test(args['clock-url'])) throw new UsageError(`--clock-url: ${JSON.stringify(args['clock-url'])} is not http://host:port/time`);
    const { makePlans } = await import('../../harness/distributed/make-plans.js');
    const m = await makePlans({
      scenarioFile: args.scenario, agents, outDir: args.out, target: args.target, allowRemoteTarget: args['allow-remote-target'],
      startAtEpochMs, clockUrl: args['clock-url'] ?? null,
    });
    process.stdout.write(`plan: ${m.files.length} agent plan(s) in ${args.out}; start ${m.startAt}; target ${m.target}\n`);
    for (const s of m.schedule) process.stdout.write(`  stage ${s.name}: warm-up at ${s.startAt}\n`);
    process.stdout.write(`gateway JWT settings: ${args.out}/jwt.env (secret: keep the plan folder private)\n`);
  },
};
