import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import { spawn } from 'node:child_process';
import { establishedOnPort, procHexIPv4, processTree as processTreeOf, pssOf, treePss, treeRss } from '../../harness/procfs.js';

test('procHexIPv4 spells addresses the way /proc/net/tcp does', () => {
  assert.equal(procHexIPv4('127.0.0.1'), '0100007F');
  assert.equal(procHexIPv4('127.1.0.5'), '0500017F');
});

test('establishedOnPort counts the server side of connections to host:port only', async () => {
  const server = createServer(() => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  // A decoy listening on the same port number on another loopback address must not count.
  const decoy = createServer(() => undefined);
  await new Promise<void>((r) => decoy.listen(port, '127.0.0.2', r));
  const clients: Socket[] = [];
  for (let i = 0; i < 5; i++) clients.push(await new Promise<Socket>((r) => { const c = connect(port, '127.0.0.1', () => r(c)); }));
  const decoyClient = await new Promise<Socket>((r) => { const c = connect(port, '127.0.0.2', () => r(c)); });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(await establishedOnPort(port, '127.0.0.1'), 5);
  assert.equal(await establishedOnPort(port, '127.0.0.2'), 1);
  for (const c of [...clients, decoyClient]) c.destroy();
  await new Promise<void>((r) => server.close(() => r()));
  await new Promise<void>((r) => decoy.close(() => r()));
});

test('treePss counts the pages a process tree shares once: three node processes sum to less PSS than RSS', async () => {
  // A parent that starts two node children, all three idle: node's binary text is resident
  // in each, so the RSS sum counts it three times and the PSS sum once.
  const parent = spawn(process.execPath, ['-e', `
    const { spawn } = require('node:child_process');
    const kids = [0, 1].map(() => spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }));
    let up = 0; for (const k of kids) k.on('spawn', () => { if (++up === 2) setTimeout(() => console.log('up'), 500); });
    setInterval(() => {}, 1000);
  `], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('the process tree did not start in 10 s')), 10_000);
      parent.stdout.on('data', (d: Buffer) => { if (d.toString().includes('up')) { clearTimeout(t); resolve(); } });
      parent.on('exit', (c) => { clearTimeout(t); reject(new Error(`parent exited ${c}`)); });
    });
    const rss = await treeRss(parent.pid!);
    const pss = await treePss(parent.pid!);
    assert.equal(rss?.processes, 3);
    assert.ok(pss !== null && pss > 10 * 1024 * 1024, `pss ${pss}`);
    assert.ok(pss < 0.85 * rss!.rssBytes, `tree PSS ${pss} should be well below tree RSS ${rss!.rssBytes}`);
  } finally {
    const tree = await processTreeOf(parent.pid!);
    for (const p of tree.reverse()) try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
  }
  assert.equal(await pssOf(2 ** 22 + 12345), null, 'a pid that does not exist has no PSS');
});
