import { createServer } from 'node:net';

/** Resolves when the port can be bound on host; rejects with a message naming the port otherwise. */
export async function assertPortFree(port: number, host: string, what: string, envVar: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        new Error(
          err.code === 'EADDRINUSE'
            ? `Port ${port} on ${host} is already in use, so the ${what} cannot start. Stop whatever holds it (\`lsof -i :${port}\`) or set ${envVar} to another port.`
            : `Cannot bind ${host}:${port} for the ${what}: ${err.message}`,
        ),
      );
    });
    server.listen(port, host, () => server.close(() => resolve()));
  });
}

/** A port that was free a moment ago (for tests and ephemeral servers). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
