import { CODES, type OrgError } from './errors';

/** Where a page starts: the first page, or after / before the item a `PageToken` names. */
export interface PageRequest {
  readonly pageSize: number;
  readonly page: number;
  readonly token: string | undefined;
}

/** The sizes an endpoint allows: the spec's default and maximum `PageSize`. */
export interface PageLimits {
  readonly defaultSize: number;
  readonly maxSize: number;
}

const badRequest = (message: string): OrgError => ({
  status: 400,
  code: CODES.badRequest,
  message,
});

/** Reads `PageSize`, `Page` and `PageToken`; an `OrgError` (400) when one is malformed. */
export function readPaging(query: URLSearchParams, limits: PageLimits): PageRequest | OrgError {
  const size = query.get('PageSize');
  const pageSize = size === null ? limits.defaultSize : Number(size);
  if (!/^\d{1,4}$/.test(size ?? '1') || pageSize < 1 || pageSize > limits.maxSize) {
    return badRequest(`PageSize must be an integer from 1 to ${limits.maxSize}.`);
  }
  const pageText = query.get('Page') ?? '0';
  if (!/^\d{1,6}$/.test(pageText)) return badRequest('Page must be a non-negative integer.');
  const token = query.get('PageToken') ?? undefined;
  if (token !== undefined && (token.length < 1 || token.length > 4096)) {
    return badRequest('PageToken must be from 1 to 4096 characters long.');
  }
  return { pageSize, page: Number(pageText), token };
}

/** A `content` + `meta` page (the spec's `…ResponsePage`), or `undefined` for an unknown token. */
export function contentPage<T>(options: {
  readonly items: readonly T[];
  readonly keyOf: (item: T) => string;
  readonly request: PageRequest;
  /** Absolute URL of the list, without a query. */
  readonly listUrl: string;
  /** Filters to carry on every page URL (the SDK follows `next_page_url` as it is). */
  readonly filters: ReadonlyArray<readonly [string, string]>;
}): Record<string, unknown> | undefined {
  const { items, keyOf, request, listUrl, filters } = options;
  const { pageSize, page, token } = request;
  // `PT<key>`: the page after that item; `PB<key>`: the page before it.
  const index =
    token === undefined ? -1 : items.findIndex((item) => keyOf(item) === token.slice(2));
  if (token !== undefined && (index === -1 || !/^P[TB]/.test(token))) return undefined;
  let start = 0;
  if (token?.startsWith('PT')) start = index + 1;
  else if (token?.startsWith('PB')) start = Math.max(index - pageSize, 0);
  const content = items.slice(start, start + pageSize);
  const pageUrl = (n: number, pageToken?: string): string => {
    const query = new URLSearchParams();
    for (const [name, value] of filters) query.set(name, value);
    query.set('PageSize', String(pageSize));
    query.set('Page', String(n));
    if (pageToken !== undefined) query.set('PageToken', pageToken);
    return `${listUrl}?${query}`;
  };
  const first = content[0];
  const last = content.at(-1);
  return {
    content,
    meta: {
      first_page_url: pageUrl(0),
      key: 'content',
      next_page_url:
        last !== undefined && start + pageSize < items.length
          ? pageUrl(page + 1, `PT${keyOf(last)}`)
          : null,
      page,
      page_size: pageSize,
      previous_page_url:
        first !== undefined && start > 0
          ? pageUrl(Math.max(page - 1, 0), `PB${keyOf(first)}`)
          : null,
      url: pageUrl(page, token),
    },
  };
}
