// The demo's HTTP client of one app (see demo.mjs).

/** An app's HTTP client for the demo: JSON in and out, counting requests, failing on surprises. */
export function httpClient(name, base, timeoutMs) {
  const http = {
    requests: 0,
    async call(method, path, body) {
      http.requests += 1;
      const response = await fetch(new URL(path, base), {
        method,
        headers: body ? { 'content-type': 'application/json' } : undefined,
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      let json;
      try {
        json = JSON.parse(text);
      } catch {
        throw new Error(`${name} ${method} ${path}: answered ${response.status} with non-JSON`);
      }
      return { status: response.status, json };
    },
    expectStatus(res, status, what) {
      if (res.status !== status) {
        const reason =
          typeof res.json?.error === 'string' ? res.json.error : JSON.stringify(res.json);
        throw new Error(`${name} ${what}: expected ${status}, got ${res.status} (${reason})`);
      }
    },
  };
  return http;
}
