import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import { establishedOnPort, procHexIPv4 } from '../../harness/procfs.js';

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
