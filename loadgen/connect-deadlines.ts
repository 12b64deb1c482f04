import type { Conn } from './connection.js';

/** How often the queue is checked: how late past its deadline a connect may be given up. */
const CHECK_EVERY_MS = 250;

/**
 * The connect timeout of every connection of a pool, kept in one queue checked by one
 * timer, instead of a timer per socket. `socket.setTimeout` leaves its Timeout object and
 * a bound callback on the socket for the socket's whole life, even after `setTimeout(0)`
 * clears it: about 190 B of heap per held connection, 6% of a connection's cost at 100k
 * (loadgen/README.md "Memory per connection").
 *
 * Every connect of a pool gets the same timeout, so deadlines arrive in the order the
 * connects started and the queue is a FIFO: a check pops only the entries already due.
 * An entry whose connection has since connected, closed, or started a newer connect
 * (with a later deadline of its own) is skipped (Conn.timedOut decides).
 */
export class ConnectDeadlines {
  private conns: (Conn | null)[] = [];
  /** Each entry's own deadline: a connection's `connectDeadline` moves on when it reconnects. */
  private due: number[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | null = null;

  /** Watch a connect that has just started (its deadline is `c.connectDeadline`). */
  add(c: Conn): void {
    this.conns.push(c);
    this.due.push(c.connectDeadline);
    if (this.timer === null) {
      this.timer = setInterval(() => this.check(performance.now()), CHECK_EVERY_MS);
      this.timer.unref(); // the worker lives on its IPC channel, not on this timer
    }
  }

  /** Give up every connect past its deadline at `now`. */
  private check(now: number): void {
    while (this.head < this.conns.length && this.due[this.head]! <= now) {
      const c = this.conns[this.head]!;
      this.conns[this.head] = null;
      this.head++;
      c.timedOut(now);
    }
    if (this.head === this.conns.length) this.clear();
    else if (this.head >= 1024 && this.head * 2 >= this.conns.length) {
      this.conns = this.conns.slice(this.head);
      this.due = this.due.slice(this.head);
      this.head = 0;
    }
  }

  /** Forget every entry and stop the timer. */
  clear(): void {
    if (this.timer !== null) { clearInterval(this.timer); this.timer = null; }
    this.conns = [];
    this.due = [];
    this.head = 0;
  }
}
