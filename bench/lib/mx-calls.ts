// Counts the MX calls the sandbox answers, by method and route (`GET /users/{user_guid}/members/{member_guid}/status`),
// so a benchmark shows which calls each side made. The sandbox runs in the bench process: Node's
// `http.server.request.start` diagnostics channel sees every request it receives, at no cost to either side.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { routeTemplate } from '../../src/metrics/mx-route';

const CHANNEL = 'http.server.request.start';

export interface MxCallCounter {
  /** The calls since the last take (or since start), in arrival order of first appearance. */
  take(): Map<string, number>;
  stop(): void;
}

export function countMxCalls(port: number): MxCallCounter {
  let counts = new Map<string, number>();
  const onRequest = (message: unknown) => {
    const { request } = message as { request: IncomingMessage };
    if (request.socket.localPort !== port || request.url?.startsWith('/_sandbox')) return;
    const key = `${request.method} ${routeTemplate(request.url ?? '')}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  subscribe(CHANNEL, onRequest);
  return {
    take() {
      const taken = counts;
      counts = new Map();
      return taken;
    },
    stop: () => unsubscribe(CHANNEL, onRequest),
  };
}

export function total(counts: Map<string, number>): number {
  return [...counts.values()].reduce((a, b) => a + b, 0);
}
