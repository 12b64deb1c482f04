/**
 * Connection balancing across cluster workers (SCHED_NONE). Every worker accepts on the
 * one shared listen socket, and the worker whose event loop wakes first drains the whole
 * accept queue, so a connect ramp leaves the counts far apart: at 100k connections over
 * ten workers one held 18.7k and another 5.3k (1.9x the mean). The busiest worker then
 * carries 1.9x its share of the requests, of the heap and of the GC pauses; its upstream
 * calls timed out first and opened the breakers every worker shares.
 *
 * Workers report how many client connections they hold; the primary tells a worker above
 * `ratio` x the mean (plus a small slack, so a handful of connections moves nothing) to
 * stop accepting, and to start again once it is back at the mean. A paused worker closes
 * its copy of the listen socket; the others keep accepting from the same queue, so no
 * client sees a refused or dropped connection. One worker, the least loaded, always
 * accepts. The Go baseline's worker processes get evenness from SO_REUSEPORT (the kernel
 * spreads by a hash of the client address); Node 20 has no reusePort listen option, and
 * this works the same on every Node version.
 */

/** Connections a worker may hold above ratio x mean before it is paused. */
export const BALANCE_SLACK = 32;

/** What the primary tells one worker. */
export interface AcceptDecision { readonly worker: number; readonly accept: boolean }

interface WorkerCount { connections: number; accepting: boolean }

export class AcceptBalancer {
  private readonly workers = new Map<number, WorkerCount>();

  constructor(private readonly ratio: number, private readonly slack = BALANCE_SLACK) {}

  /** A worker started listening (it accepts). */
  add(worker: number): void { this.workers.set(worker, { connections: 0, accepting: true }); }

  /** A worker exited; the others may need to accept again. */
  remove(worker: number): AcceptDecision[] {
    this.workers.delete(worker);
    return this.decide();
  }

  /** A worker's connection count; returns the workers whose accepting changes. */
  report(worker: number, connections: number): AcceptDecision[] {
    const w = this.workers.get(worker);
    if (!w) return [];
    w.connections = connections;
    return this.decide();
  }

  /** Per worker: connections held and whether it accepts (for logs and tests). */
  snapshot(): Array<{ worker: number; connections: number; accepting: boolean }> {
    return [...this.workers].map(([worker, w]) => ({ worker, connections: w.connections, accepting: w.accepting }));
  }

  private decide(): AcceptDecision[] {
    if (this.workers.size < 2) return this.resumeAll();
    let total = 0;
    for (const w of this.workers.values()) total += w.connections;
    const mean = total / this.workers.size;
    const high = mean * this.ratio + this.slack;
    const out: AcceptDecision[] = [];
    for (const [id, w] of this.workers) {
      // Hysteresis: pause above `high`, resume at the mean, so a worker does not flap. The
      // least loaded worker holds at most the mean, so at least one always accepts.
      const accept = w.accepting ? w.connections <= high : w.connections <= mean;
      if (accept !== w.accepting) { w.accepting = accept; out.push({ worker: id, accept }); }
    }
    return out;
  }

  private resumeAll(): AcceptDecision[] {
    const out: AcceptDecision[] = [];
    for (const [id, w] of this.workers) if (!w.accepting) { w.accepting = true; out.push({ worker: id, accept: true }); }
    return out;
  }
}
