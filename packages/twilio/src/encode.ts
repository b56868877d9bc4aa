/**
 * Appends the SDK's `params` / `data` objects to `target` the way the SDK's own transport
 * encodes them: arrays repeat their key (`StatusCallbackEvent=a&StatusCallbackEvent=b`),
 * nested objects use brackets (`a[b]=c`), `undefined` is left out and `null` sends an empty value.
 */
export function appendParams(target: URLSearchParams, value: unknown, prefix = ''): void {
  if (value === undefined) return;
  if (Array.isArray(value)) {
    for (const item of value) appendParams(target, item, prefix);
    return;
  }
  if (value instanceof Date) {
    target.append(prefix, value.toISOString());
    return;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      appendParams(target, item, prefix ? `${prefix}[${key}]` : key);
    }
    return;
  }
  if (prefix) target.append(prefix, value === null ? '' : String(value));
}

/** The request body for the SDK's `data`, by the `Content-Type` the SDK chose. */
export function encodeBody(data: unknown, contentType: string | undefined): string | undefined {
  if (data === undefined || data === null) return undefined;
  if (typeof data === 'string') return data;
  if (contentType?.toLowerCase().startsWith('application/json')) return JSON.stringify(data);
  const form = new URLSearchParams();
  appendParams(form, data);
  return form.toString();
}

/**
 * The response body as the SDK expects it: parsed JSON when it is JSON (as the SDK's own
 * transport does), the text otherwise (`''` for an empty answer).
 */
export function decodeBody(text: string): unknown {
  if (text === '') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
