// The HTTP server: /_sim/* goes to the admin API, everything else is an ACK call. Binds to
// 127.0.0.1 only.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'winston';
import { ADMIN_PREFIX, handleAdminRequest } from './admin-api.js';
import type { AckPipeline } from './ack-pipeline.js';
import { sendJson } from './responses.js';
import type { SimulatorControl } from './simulator-control.js';

export const SIMULATOR_HOST = '127.0.0.1';

export interface SimulatorServerDeps {
  pipeline: AckPipeline;
  control: SimulatorControl;
  logger: Logger;
}

function isAdminPath(url: string | undefined): boolean {
  const path = (url ?? '/').split('?')[0] ?? '/';
  return path === ADMIN_PREFIX || path.startsWith(`${ADMIN_PREFIX}/`);
}

async function dispatch(request: IncomingMessage, response: ServerResponse, deps: SimulatorServerDeps): Promise<void> {
  if (isAdminPath(request.url)) {
    await handleAdminRequest(request, response, deps.control);
  } else {
    await deps.pipeline.handle(request, response);
  }
}

export async function startServer(port: number, deps: SimulatorServerDeps): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    dispatch(request, response, deps).catch((error: unknown) => {
      deps.logger.error('ack simulator request failed', { error: error instanceof Error ? error.message : String(error) });
      sendJson(response, 500, { code: 'InternalError', message: 'simulator error', requestId: '', status: 500 });
    });
  });
  // The SDK keeps connections alive; a server closing idle sockets sooner than the client expects
  // makes the next call fail with ECONNRESET, so keep them open longer than any test's pause.
  server.keepAliveTimeout = 65_000;
  server.on('clientError', (_error, socket) => {
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, SIMULATOR_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { server, port: (server.address() as AddressInfo).port };
}

export function stopServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => {
      resolve();
    });
    server.closeAllConnections();
  });
}
