import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/**
 * Simulated hosts for multi-agent tests: one network namespace for the target and one per
 * agent, joined by a bridge that lives inside the target's namespace. The root namespace
 * gets no address in the test subnet, so no packet of the test can leave these namespaces,
 * and nothing outside them can be reached from inside. Namespace names carry the test's
 * pid, so a crashed test's leftovers are found and removed by the next one.
 */
export interface Hosts {
  target: { ns: string; address: string };
  agents: { ns: string; address: string }[];
  /** Spawn a command inside a namespace. */
  spawnIn(ns: string, cmd: string, args: string[], opts?: SpawnOptions): ChildProcess;
  remove(): void;
}

const SUBNET = '10.231.7';
const PREFIX = 'gwb';

const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8' });
const inNs = (ns: string, ...args: string[]): string => ip('netns', 'exec', ns, 'ip', ...args);

export function netnsAvailable(): string | null {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  try { ip('netns', 'list'); return null; } catch (e) { return `ip netns: ${(e as Error).message.split('\n')[0]}`; }
}

/** Remove namespaces left by test processes that no longer exist. */
function removeStale(): void {
  for (const line of ip('netns', 'list').split('\n')) {
    const m = /^(gwb-\d+-\S+)/.exec(line);
    const pid = m ? Number(m[1]!.split('-')[1]) : NaN;
    if (!m || !Number.isFinite(pid)) continue;
    try { process.kill(pid, 0); } catch { try { ip('netns', 'del', m[1]!); } catch { /* gone already */ } }
  }
}

export function createHosts(agentCount: number): Hosts {
  removeStale();
  const tag = `${PREFIX}-${process.pid}`;
  const target = { ns: `${tag}-t`, address: `${SUBNET}.1` };
  const agents = Array.from({ length: agentCount }, (_, k) => ({ ns: `${tag}-a${k}`, address: `${SUBNET}.${10 + k}` }));
  const created: string[] = [];
  const remove = (): void => { for (const ns of created.reverse()) { try { ip('netns', 'del', ns); } catch { /* already gone */ } } };
  try {
    for (const h of [target, ...agents]) { ip('netns', 'add', h.ns); created.push(h.ns); inNs(h.ns, 'link', 'set', 'lo', 'up'); }
    inNs(target.ns, 'link', 'add', 'br0', 'type', 'bridge');
    inNs(target.ns, 'addr', 'add', `${target.address}/24`, 'dev', 'br0');
    inNs(target.ns, 'link', 'set', 'br0', 'up');
    agents.forEach((a, k) => {
      // Both ends are created inside the target's namespace, then one end moves to the agent's.
      inNs(target.ns, 'link', 'add', `v${k}`, 'type', 'veth', 'peer', 'name', `p${k}`);
      inNs(target.ns, 'link', 'set', `p${k}`, 'netns', a.ns);
      inNs(target.ns, 'link', 'set', `v${k}`, 'master', 'br0');
      inNs(target.ns, 'link', 'set', `v${k}`, 'up');
      inNs(a.ns, 'link', 'set', `p${k}`, 'name', 'eth0');
      inNs(a.ns, 'addr', 'add', `${a.address}/24`, 'dev', 'eth0');
      inNs(a.ns, 'link', 'set', 'eth0', 'up');
    });
  } catch (e) {
    remove();
    throw e;
  }
  return {
    target, agents, remove,
    spawnIn: (ns, cmd, args, opts = {}) => spawn('ip', ['netns', 'exec', ns, cmd, ...args], opts),
  };
}
