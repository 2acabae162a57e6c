import type { Server } from 'node:http';
import net from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { GatewayConfig } from '../../../../libs/config/src/index.js';
import { GATEWAY_CONFIG } from '../tokens.js';

/**
 * The gateway's graceful stop (SIGTERM, `main.ts`):
 * 1. readiness answers 503 at once, and a request arriving from then on is answered `503 SHUTTING_DOWN`
 *    with `Retry-After` (quickly, so that the client retries elsewhere);
 * 2. the requests already in flight finish, and every answer from then on closes its connection, so no
 *    client reuses a connection the server is about to close;
 * 3. once none is in flight and none has arrived for a moment (`QUIET_MS`), the listener closes — closing it
 *    earlier would reset the connections still in the kernel's accept queue — then the connections left,
 *    and the providers shut down.
 * The grace period bounds it all: after it, the connections still open are closed.
 */
/** How long no request must have arrived before the listener closes. */
const QUIET_MS = 300;

@Injectable()
export class Drain {
  private started = false;
  private inFlight = 0;
  private lastArrival = 0;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  get draining(): boolean {
    return this.started;
  }

  /** Express middleware, first of all: counts requests in flight and turns new ones away once draining. */
  readonly middleware = (_request: Request, response: Response, next: NextFunction): void => {
    this.lastArrival = Date.now();
    if (this.started) {
      response
        .status(503)
        .set({
          'Content-Type': 'application/problem+json',
          'Retry-After': String(this.config.GATEWAY_RETRY_AFTER_SECONDS),
          Connection: 'close',
        })
        .send(
          JSON.stringify({
            type: 'urn:problem:victim-pathway:shutting_down',
            title: 'Shutting down',
            status: 503,
            code: 'SHUTTING_DOWN',
            detail: 'This gateway is stopping: nothing was done. Retry (another instance answers).',
          }),
        );
      return;
    }
    this.inFlight += 1;
    const writeHead = response.writeHead.bind(response) as (...args: unknown[]) => Response;
    response.writeHead = ((...args: unknown[]) => {
      if (this.started && !response.headersSent) response.setHeader('Connection', 'close');
      return writeHead(...args);
    }) as Response['writeHead'];
    response.once('close', () => {
      this.inFlight -= 1;
    });
    next();
  };

  /**
   * Drains `server` (see the class). True when everything finished within `graceMs`; otherwise the
   * connections still open were closed.
   */
  async drain(server: Server, graceMs: number): Promise<boolean> {
    this.started = true;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => {
        resolve(false);
      }, graceMs);
    });
    const idle = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (this.inFlight === 0 && Date.now() - this.lastArrival >= QUIET_MS) {
          clearInterval(check);
          resolve();
        }
      }, 25);
    });
    const closed = idle.then(
      () =>
        new Promise<true>((resolve) => {
          // net's close (stop listening), not http's, which would also drop connections that have a request
          // on the way; those left idle are closed next, and any late request on one is turned away above.
          net.Server.prototype.close.call(server, () => {
            resolve(true);
          });
          server.closeIdleConnections();
        }),
    );
    const finished = await Promise.race([closed, late]);
    clearTimeout(timer);
    if (!finished) server.closeAllConnections();
    return finished;
  }
}
