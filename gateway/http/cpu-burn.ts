/**
 * Test knob `debug.cpu` (GW_DEBUG_CPU_US): spin before each proxied or fan-out request until
 * this process has used that much more CPU time, so a candidate costs a known amount of CPU
 * more than its base. It proves the gate's cpu_per_request comparison catches a CPU
 * regression. CPU time, not wall time: on a busy machine a wall-clock spin is preempted and
 * burns far less than asked. Chosen once at startup: with the knob off the request path
 * gets the plain function and no check.
 */
export function requestStarter(burnMs: number, delayMs = 0): (run: () => void) => void {
  const burn = cpuBurner(burnMs);
  // debug.delay (GW_DEBUG_DELAY_MS, --debug-delay) is chosen here too, once, so that with
  // both knobs off the request path has no check at all.
  if (delayMs > 0) return (run) => { setTimeout(burn, delayMs, run); };
  return burn;
}

function cpuBurner(burnMs: number): (run: () => void) => void {
  if (!(burnMs > 0)) return (run) => run();
  const burnUs = burnMs * 1000;
  return (run) => {
    const start = process.cpuUsage();
    // A busy loop on purpose: the CPU time is the point.
    for (;;) {
      const used = process.cpuUsage(start);
      if (used.user + used.system >= burnUs) break;
    }
    run();
  };
}
