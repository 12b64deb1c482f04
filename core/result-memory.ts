/**
 * The target's memory at the end of a stage's measurement window (harness/stage-result.ts),
 * read from outside the process (/proc) and from its /metrics (heap). Every figure is
 * defined in docs/metrics.md ("Memory").
 */
export interface MemorySample {
  rssBytes: number | null;
  rssMaxBytes: number | null;
  heapUsedBytes: number | null;
  heapTotalBytes: number | null;
  /** heapUsed / RSS: the share of the resident memory that is live heap. */
  residency: number | null;
  /** RSS / heapUsed: the inverse, how many bytes resident per byte of live heap. */
  rssOverHeap: number | null;
  /** Heap the runtime has reserved from the OS (Go heap_sys, JVM committed, V8 heapTotal), summed over processes. */
  heapSysBytes?: number | null;
  /** The seed article's residency: RSS / heap_sys (null where the runtime has no such figure). */
  rssOverHeapSys?: number | null;
  /** Processes whose heap was summed (may be fewer than `processes`, e.g. a supervisor with no heap). */
  heapProcesses?: number | null;
  /** RSS at the end of the stage / established connections. */
  rssPerConnectionBytes: number | null;
  /** PSS summed over the tree at the window's end (shared pages counted once), and / established connections. */
  pssBytes?: number | null;
  pssPerConnectionBytes?: number | null;
  /** Where heap came from (metric names) or why it is not available. */
  heapSource: string;
  /** Number of processes in the target's tree that RSS was summed over. */
  processes: number | null;
}
