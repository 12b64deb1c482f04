import { createServer, type AddressInfo } from 'node:net';

/**
 * A port free on `host` right now (the OS picks it). The contract tells implementations
 * their port, so the harness needs one before starting them; the tiny race with another
 * process taking it first is accepted.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve, reject) => { srv.once('error', reject); srv.listen(0, host, () => resolve()); });
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}
