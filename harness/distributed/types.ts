import type { Scenario } from '../../core/scenario/types.js';
import type { LoadPlan } from '../../loadgen/plan/types.js';
import type { TokenPool } from '../../loadgen/types.js';
import type { WorkerResult } from '../../loadgen/messages.js';
import type { ClockOffset } from './clock.js';

/**
 * The files of a distributed run, all plain JSON: plan/agent-K.json (what agent K runs),
 * plan/manifest.json (for the reader and the merge), out/K/agent.json and
 * out/K/stage-NN.json (what agent K measured). Agents and the merge share nothing else.
 */

export const AGENT_PLAN_KIND = 'gw-bench-agent-plan';
export const AGENT_REPORT_KIND = 'gw-bench-agent-report';

/** When a stage's warm-up starts, coordinator clock (epoch ms). */
export interface ScheduledStage {
  index: number;
  name: string;
  /** The connect ramp may begin when the previous stage ends; warm-up starts here. */
  startAtEpochMs: number;
  /** Connect-ramp budget before startAtEpochMs (connections / connect rate + slack). */
  rampBudgetMs: number;
  /** Warm-up + measurement + drain: the next stage's ramp begins after this. */
  busyMs: number;
}

export interface AgentPlan {
  kind: typeof AGENT_PLAN_KIND;
  version: 1;
  agent: number;
  agents: number;
  /** Target base URL; loopback unless allowRemoteTarget. */
  target: string;
  allowRemoteTarget: boolean;
  /** Coordinator time source (`gw-bench clock`), or null: the agent's clock is taken as is. */
  clockUrl: string | null;
  /** The run's common start (coordinator clock): the first stage's connect ramp. */
  startAtEpochMs: number;
  schedule: ScheduledStage[];
  /** This agent's share: every stage's connections, rate and connect rate divided by `agents`, its own seeds and workers. */
  plan: LoadPlan;
  /** Tokens minted once at plan time (the gateway verifies them with plan/jwt.env). */
  tokens: TokenPool;
  /** The whole normalized scenario (the merge builds result.json from it). */
  scenario: Scenario;
  scenarioFile: string;
}

/** One stage as an agent ran it. */
export interface AgentStage {
  index: number;
  name: string;
  scheduledStartEpochMs: number;
  /** Warm-up start actually used, agent clock converted to coordinator clock; null if the stage did not run. */
  actualStartEpochMs: number | null;
  /** Non-null when the agent missed the scheduled start or failed: the merge makes the stage invalid with it. */
  late: string | null;
  failed: string | null;
  /** Stage file with the raw worker results (stage-NN.json), or null. */
  file: string | null;
}

export interface AgentReport {
  kind: typeof AGENT_REPORT_KIND;
  version: 1;
  agent: number;
  agents: number;
  hostname: string;
  startedAt: string;
  finishedAt: string;
  /** Offset of this agent's clock (coordinator - agent) before the first and after the last stage; null without a clock URL. */
  clock: { before: ClockOffset | null; after: ClockOffset | null };
  workers: number;
  stages: AgentStage[];
  plan: AgentPlan;
}

/** out/K/stage-NN.json: the workers' raw results of one stage, histograms encoded. */
export interface AgentStageFile {
  agent: number;
  index: number;
  /** Add to this agent's epoch times to get coordinator time. */
  clockOffsetMs: number;
  results: WorkerResult[];
}
