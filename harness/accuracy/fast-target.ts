import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * Child-process entry: the cheapest HTTP/1.1 target we can write, for the saturation
 * check. It does not parse HTTP: every "\r\n\r\n" (end of a body-less request head) gets
 * one canned 200 with an empty body. The generator does far more per request (schedule,
 * request build, response parse, histograms), so with this target on its own CPU the
 * generator, not the target, is what saturates first.
 */
const RESPONSE = Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n');

const server = createServer((sock: Socket) => {
  sock.setNoDelay(true);
  let tail = 0; // last bytes of the previous chunk, to find a terminator split across chunks
  sock.on('data', (chunk: Buffer) => {
    let n = 0;
    for (let i = 0; i < chunk.length; i++) {
      tail = ((tail << 8) | chunk[i]!) >>> 0;
      if (tail === 0x0d0a0d0a) n++;
    }
    if (n === 1) sock.write(RESPONSE);
    else if (n > 1) sock.write(Buffer.concat(new Array<Buffer>(n).fill(RESPONSE)));
  });
  sock.on('error', () => sock.destroy());
});
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port });
});
process.on('disconnect', () => { server.close(); process.exit(0); });
