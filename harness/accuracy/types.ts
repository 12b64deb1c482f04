/** One line of a check's table: what the method predicts, what was measured, and the allowed gap. */
export interface CheckRow {
  case: string;
  expected: string;
  measured: string;
  tolerance: string;
  pass: boolean;
}

/** The outcome of one accuracy check, ready to render into docs/accuracy.md. */
export interface CheckResult {
  id: string;
  title: string;
  /** Short paragraphs: how the expected values are derived and how the measurement is taken. */
  method: string[];
  rows: CheckRow[];
  /** Extra tables or lines shown under the main one (e.g. the autocannon comparison). */
  extra?: string[];
  pass: boolean;
  /** Set when the check could not run at all (counts as a failure). */
  error?: string;
  seconds: number;
}
