// Temporal stores its membership ports in a PostgreSQL smallint column, so they must be below 32768
// (a higher one fails the server's start with `value "36939" is out of range for type smallint`).
// The kernel hands out ephemeral ports from 32768 up, so these are picked at random below that and
// checked by binding them.
import { randomInt } from 'node:crypto';
import { createServer } from 'node:net';

const LOWEST = 20_000;
const HIGHEST = 32_767;

export async function freeLowPorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const ports = new Set<number>();
  for (let tries = 0; ports.size < count; tries++) {
    if (tries > 500) throw new Error(`Found only ${ports.size} of ${count} free ports between ${LOWEST} and ${HIGHEST} on ${host}.`);
    const port = randomInt(LOWEST, HIGHEST + 1);
    if (!ports.has(port) && (await canBind(port, host))) ports.add(port);
  }
  return [...ports];
}

async function canBind(port: number, host: string): Promise<boolean> {
  return await new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}
