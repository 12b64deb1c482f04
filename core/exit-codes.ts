/** Exit codes of every gw-bench command (pinned contract, see README "Exit codes"). */
export const ExitCode = {
  OK: 0,
  GATE_FAILED: 1,
  USAGE: 2,
  INCONCLUSIVE: 3,
  TARGET_FAILURE: 4,
  INTERNAL: 5,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
