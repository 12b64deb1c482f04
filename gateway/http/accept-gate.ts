import { Server as NetServer } from 'node:net';
import type { Server } from 'node:http';

export interface ListenOptions { readonly host: string; readonly port: number; readonly backlog: number }

/**
 * Stops and restarts accepting on a listening server while its connections carry on.
 * In a SCHED_NONE cluster worker, stopping closes only this process's copy of the shared
 * listen socket (the primary keeps the socket while another worker holds it), so the
 * accept queue is served by the other workers and no client is refused. Restarting
 * listens with the options first used, which is what finds the same shared socket.
 *
 * net.Server's close, not http.Server's: the http one also closes idle keep-alive
 * sockets and stops the request-timeout sweep. Changes are applied one at a time: a
 * cluster listen completes asynchronously, and closing before it completed would leave
 * the server listening while we believe it paused.
 */
export class AcceptGate {
  private paused = false;
  private busy = false;
  private want = true;
  private closed = false;

  constructor(private readonly server: Server, private readonly listen: ListenOptions, private readonly log: (line: string) => void) {}

  set(accept: boolean): void {
    this.want = accept;
    this.apply();
  }

  /** Drain begins: the server's own close takes over and this never listens again. */
  close(): void { this.closed = true; }

  private apply(): void {
    if (this.busy || this.closed) return;
    if (!this.want && !this.paused) {
      NetServer.prototype.close.call(this.server);
      this.paused = true;
    } else if (this.want && this.paused) {
      this.busy = true;
      const done = (err?: Error): void => {
        this.server.off('listening', onListening);
        this.server.off('error', onError);
        this.busy = false;
        if (err) { this.log(`gateway: could not accept again: ${(err as NodeJS.ErrnoException).code ?? err.message}`); return; }
        this.paused = false;
        // A drain that began while the listen was in flight: stop at once.
        if (this.closed) { NetServer.prototype.close.call(this.server); return; }
        this.apply();
      };
      const onListening = (): void => done();
      const onError = (err: Error): void => done(err);
      this.server.once('listening', onListening);
      this.server.once('error', onError);
      this.server.listen(this.listen);
    }
  }
}
