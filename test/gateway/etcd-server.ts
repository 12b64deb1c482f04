import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../core/processes/free-port.js';
import { EtcdClient } from '../../gateway/config/etcd-client.js';

/** Is the etcd binary (Debian package etcd-server) installed? `.ci/run` installs it. */
export const ETCD_AVAILABLE = spawnSync('etcd', ['--version'], { stdio: 'ignore' }).status === 0;

/** A real single-node etcd on loopback ports with a temp data dir; kill/start it at will, stop() removes it. */
export class TestEtcd {
  private child: ChildProcess | null = null;
  readonly dir = mkdtempSync(join(tmpdir(), 'gwb-etcd-'));
  url = '';
  private peerUrl = '';
  output = '';

  static async start(): Promise<TestEtcd> {
    const e = new TestEtcd();
    e.url = `http://127.0.0.1:${await freePort()}`;
    e.peerUrl = `http://127.0.0.1:${await freePort()}`;
    await e.resume();
    return e;
  }

  /** (Re)start on the same ports and data dir; resolves once it serves reads. */
  async resume(): Promise<void> {
    this.child = spawn('etcd', [
      '--name', 'gwb-test', '--data-dir', join(this.dir, 'data'),
      '--listen-client-urls', this.url, '--advertise-client-urls', this.url,
      '--listen-peer-urls', this.peerUrl, '--initial-advertise-peer-urls', this.peerUrl,
      '--initial-cluster', `gwb-test=${this.peerUrl}`, '--log-level', 'error',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => { this.output += d.toString(); });
    this.child.stderr!.on('data', (d: Buffer) => { this.output += d.toString(); });
    const c = new EtcdClient(this.url);
    try {
      for (let i = 0; i < 200; i++) {
        if (this.child.exitCode !== null) throw new Error(`etcd exited: ${this.output.slice(-500)}`);
        try { await c.rangePrefix('/'); return; } catch { await new Promise((r) => setTimeout(r, 50)); }
      }
      throw new Error(`etcd did not answer within 10 s: ${this.output.slice(-500)}`);
    } finally { await c.close(); }
  }

  /** SIGKILL, as a crash would. */
  async kill(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    c.kill('SIGKILL');
    await new Promise((r) => c.once('exit', r));
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
