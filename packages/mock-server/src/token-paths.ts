// The paths of the Token API, and the field names of its older v1 form.

/** Path of the Token API. */
export const TOKEN_PATH = '/v2/token';

/**
 * The older token path (`preview-iam`, `iam` and `oauth.twilio.com/v1/token` in twilio-oai, which
 * answer `201`): the same grant, so that a `tokenUrl` pointing there works.
 */
export const V1_TOKEN_PATH = '/v1/token';

/** Every path the Token API answers. */
export const TOKEN_PATHS: ReadonlySet<string> = new Set([TOKEN_PATH, V1_TOKEN_PATH]);

// oauth.twilio.com/v1/token names its form fields in PascalCase; the IAM hosts use snake_case.
const PASCAL_FIELDS: Readonly<Record<string, string>> = {
  GrantType: 'grant_type',
  ClientId: 'client_id',
  ClientSecret: 'client_secret',
  Scope: 'scope',
};

/** The form with PascalCase v1 field names moved to their snake_case names. */
export function snakeCaseForm(params: URLSearchParams): URLSearchParams {
  const form = new URLSearchParams();
  for (const [name, value] of params) form.append(PASCAL_FIELDS[name] ?? name, value);
  return form;
}
