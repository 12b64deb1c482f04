// Minimal typings for the parts of autocannon the comparison engine uses (it ships none).
declare module 'autocannon' {
  namespace autocannon {
    interface Options {
      url: string;
      connections?: number;
      duration?: number;
      timeout?: number;
      requests?: unknown[];
      setupClient?: (client: NodeJS.EventEmitter) => void;
      [key: string]: unknown;
    }
    interface Instance extends PromiseLike<Record<string, unknown>> {
      stop(): void;
    }
  }
  function autocannon(opts: autocannon.Options): autocannon.Instance;
  export default autocannon;
}
