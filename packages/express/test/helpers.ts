import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import express5 from 'express';
import express4 from 'express4';

/** Both supported majors, for `describe.each`. */
export const frameworks = [
  ['Express 5', express5],
  ['Express 4', express4],
] as const;

/**
 * An async route that passes rejections to `next(err)` itself, as Express 4 needs
 * (Express 5 would also do it on its own).
 */
export const route =
  (handler: (req: Request, res: Response) => Promise<void>): RequestHandler =>
  (req: Request, res: Response, next: NextFunction) => {
    handler(req, res).catch(next);
  };

/** A listening Express app on 127.0.0.1 with a free port. */
export interface RunningApp {
  readonly url: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:0 and resolves once the port is bound. */
export async function listen(app: Express): Promise<RunningApp> {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1');
    s.once('listening', () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Twilio's Messages list path for an account. */
export const messagesPath = (accountSid: string): string =>
  `/2010-04-01/Accounts/${accountSid}/Messages.json`;
