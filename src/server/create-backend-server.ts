import { createServer, type RequestListener, type Server } from 'node:http';

/** The backend's HTTP server limits; each value's reason is in docs/decisions.md ("The HTTP edge"). */
export interface ServerLimits {
  /** The whole header block must arrive within this: a client trickling headers (slowloris) is cut off with 408. */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this; answering it is not limited. */
  requestTimeoutMs: number;
  /**
   * How long an idle keep-alive socket is kept. Longer than the idle timeout of the proxies usually in front (60 s
   * for nginx's upstream keepalive and AWS ALB), so the proxy, not we, closes first and never reuses a dead socket.
   */
  keepAliveTimeoutMs: number;
  /** Sockets beyond this are closed on accept: bounds memory (bodies up to 256 KB each) and file descriptors. */
  maxConnections: number;
  /** How often Node checks the two request timeouts; its 30 s default would let a 10 s limit run to 40 s. */
  checkIntervalMs: number;
}

export const SERVER_LIMITS: Readonly<ServerLimits> = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 65_000,
  maxConnections: 512,
  checkIntervalMs: 1_000,
};

/** A node:http server with every limit set deliberately instead of Node's defaults (60 s, 300 s, 5 s, unlimited). */
export function createBackendServer(listener: RequestListener, limits: Readonly<ServerLimits> = SERVER_LIMITS): Server {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
    },
    listener,
  );
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
  return server;
}
