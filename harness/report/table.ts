/** A table both renderers draw: plain strings, plus a per-row class for styling (e.g. "invalid"). */
export interface Table {
  title: string;
  note?: string;
  columns: string[];
  rows: string[][];
  rowClasses?: Array<string | null>;
  /** Leading columns that are labels (left-aligned); default 2. */
  labelColumns?: number;
}
