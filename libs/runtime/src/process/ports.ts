/** Picking a free TCP port on a loopback address. */
import { createServer } from 'node:net';

/** Asks the OS for a free port on `host`; another process may still take it before we do. */
export function pickFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = addr !== null && typeof addr === 'object' ? addr.port : 0;
      srv.close((err) => (err || port === 0 ? reject(err ?? new Error('no port bound')) : resolve(port)));
    });
  });
}
