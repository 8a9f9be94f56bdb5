/**
 * A fake HTTP server on loopback for what a real Prometheus will not do on demand: error
 * statuses, HTML, truncated JSON, a socket that never answers. Each request goes to the
 * current `handler`; `requests` records what arrived.
 */

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface FakeRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

export interface FakeHttpServer {
  url: string;
  requests: FakeRequest[];
  handler: (request: IncomingMessage, response: ServerResponse) => void;
  close(): Promise<void>;
}

export async function startFakeHttp(): Promise<FakeHttpServer> {
  const sockets = new Set<Socket>();
  const fake: FakeHttpServer = {
    url: '',
    requests: [],
    handler: (_request, response) => response.writeHead(404).end(),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  const server = createServer((request, response) => {
    fake.requests.push({ method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers });
    fake.handler(request, response);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  fake.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return fake;
}

/** Sends `body` as JSON with `status`. */
export function json(status: number, body: unknown, response: ServerResponse): void {
  response.writeHead(status, { 'Content-Type': 'application/json' }).end(typeof body === 'string' ? body : JSON.stringify(body));
}
