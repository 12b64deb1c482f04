import http from 'node:http';

/** A plain node:http target on 127.0.0.1 answering 200 "ok" to everything; `onRequest` sees each request as it arrives. */
export async function plainServer(onRequest: () => void): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => { onRequest(); req.resume(); req.on('end', () => { res.writeHead(200); res.end('ok'); }); });
  server.keepAliveTimeout = 600_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: async () => { server.closeAllConnections(); await new Promise((r) => server.close(r)); },
  };
}
