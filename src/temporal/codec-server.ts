// Temporal's remote codec protocol, so the Web UI and the `temporal` CLI can show and send payloads
// that only this project's key can read. Whoever can reach it can decrypt: it listens on loopback
// unless told otherwise, and browsers may call it only from the allowed origins (the Web UI's).
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Payload, PayloadCodec } from '@temporalio/common';

export interface CodecServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port: number;
  codec: PayloadCodec;
  /** Browser origins allowed to call, e.g. http://localhost:8233 for the dev server's Web UI. */
  corsOrigins: string[];
}

export interface CodecServer {
  url: string;
  close(): Promise<void>;
}

/** Payloads in proto3 JSON form: metadata values and data are base64. */
interface JsonPayload {
  metadata?: Record<string, string> | null;
  data?: string | null;
}

const ALLOWED_HEADERS = 'Content-Type, X-Namespace, Authorization';
// The Web UI sends a whole event's payloads at once; Temporal caps a payload at 2 MB and a request at 4 MB.
const BODY_LIMIT = 16 * 1024 * 1024;

export async function startCodecServer(options: CodecServerOptions): Promise<CodecServer> {
  const host = options.host ?? '127.0.0.1';
  const app = Fastify({ bodyLimit: BODY_LIMIT });
  const allowed = new Set(options.corsOrigins.map((origin) => origin.replace(/\/$/, '')));

  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin === undefined) return;
    if (!allowed.has(origin)) {
      return reply.code(403).send({ error: `Origin ${origin} may not use this codec server.` });
    }
    reply.header('Access-Control-Allow-Origin', origin);
    reply.header('Access-Control-Allow-Credentials', 'true');
    reply.header('Vary', 'Origin');
  });
  app.options('/*', async (_request, reply) => {
    reply.header('Access-Control-Allow-Methods', 'POST, OPTIONS');
    reply.header('Access-Control-Allow-Headers', ALLOWED_HEADERS);
    reply.header('Access-Control-Max-Age', '600');
    return reply.code(204).send();
  });
  app.post('/encode', (request, reply) => transform(request, reply, (p) => options.codec.encode(p)));
  app.post('/decode', (request, reply) => transform(request, reply, (p) => options.codec.decode(p)));

  await listen(app, host, options.port);
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return { url: `http://${host}:${port}`, close: () => app.close() };
}

async function transform(
  request: FastifyRequest,
  reply: FastifyReply,
  apply: (payloads: Payload[]) => Promise<Payload[]>,
): Promise<unknown> {
  const payloads = parseBody(request.body);
  if (typeof payloads === 'string') return reply.code(400).send({ error: payloads });
  try {
    return { payloads: (await apply(payloads)).map(toJson) };
  } catch (err) {
    // Codec errors name key ids and what went wrong, never payload contents.
    return reply.code(422).send({ error: (err as Error).message });
  }
}

/** The payloads, or a sentence saying what is wrong with the body. */
function parseBody(body: unknown): Payload[] | string {
  const shape = 'The body must be JSON: {"payloads":[{"metadata":{...},"data":"<base64>"}]}.';
  if (typeof body !== 'object' || body === null || Object.keys(body).some((k) => k !== 'payloads')) return shape;
  // protojson leaves out empty lists: the CLI sends `{}` to /encode for a query without arguments.
  const list = (body as { payloads?: unknown }).payloads ?? [];
  if (!Array.isArray(list)) return shape;
  const payloads: Payload[] = [];
  for (const [i, item] of list.entries()) {
    const { metadata, data } = (item ?? {}) as JsonPayload;
    if (metadata != null && (typeof metadata !== 'object' || Object.values(metadata).some((v) => typeof v !== 'string'))) {
      return `payloads[${i}].metadata must map names to base64 strings.`;
    }
    if (data != null && typeof data !== 'string') return `payloads[${i}].data must be a base64 string.`;
    payloads.push({
      metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
      data: Buffer.from(data ?? '', 'base64'),
    });
  }
  return payloads;
}

function toJson(payload: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
    ),
    data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
  };
}

async function listen(app: FastifyInstance, host: string, port: number): Promise<void> {
  try {
    await app.listen({ host, port });
  } catch (err) {
    await app.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(
        `Port ${port} on ${host} is already in use, so the codec server cannot start. Stop whatever holds it (\`lsof -i :${port}\`) or set CODEC_PORT to another port.`,
      );
    }
    throw err;
  }
}
