import type { INestApplication } from '@nestjs/common';

/** What a client of the app sees: status, raw body and its JSON. */
export interface Answer {
  status: number;
  text: string;
  json: Record<string, unknown>;
}

/** Listens on a free loopback port; the function calls the app there with an optional JSON body. */
export async function listen(app: INestApplication) {
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${app.getHttpServer().address().port}`;
  return async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer> => {
    const res = await fetch(base + path, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, json: JSON.parse(text) as Record<string, unknown> };
  };
}
