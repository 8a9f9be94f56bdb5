/**
 * A chat webhook for tests: a real HTTP server on loopback that records every JSON body it
 * is sent, and can be told to answer with an error status or never to answer (a hung
 * webhook). Its URL carries a token-like path, as a Slack incoming webhook does.
 */

import { createServer, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface WebhookReceiver {
  /** `http://127.0.0.1:PORT/services/T0/B0/<token>`. */
  url: string;
  token: string;
  /** Bodies received, parsed, in order of arrival. */
  bodies: Record<string, unknown>[];
  /** How many requests arrived (a hung or failing webhook still counts them). */
  requests: number;
  /** `ok` (200), an HTTP status to answer with, or `hang`: never answer. */
  mode: 'ok' | number | 'hang';
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const sockets = new Set<Socket>();
  const hung = new Set<ServerResponse>();
  const token = `xoxb${Math.random().toString(36).slice(2, 14)}`;
  const receiver: WebhookReceiver = {
    url: '',
    token,
    bodies: [],
    requests: 0,
    mode: 'ok',
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  const server = createServer((request, response) => {
    let text = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    request.on('end', () => {
      receiver.requests += 1;
      if (receiver.mode === 'hang') {
        hung.add(response);
        return;
      }
      if (receiver.mode !== 'ok') {
        response.writeHead(receiver.mode, { 'Content-Type': 'text/plain' }).end('invalid_token');
        return;
      }
      receiver.bodies.push(JSON.parse(text) as Record<string, unknown>);
      response.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  receiver.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/services/T0/B0/${token}`;
  return receiver;
}
