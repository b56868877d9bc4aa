import { describe, expect, it } from 'vitest';
import {
  HostNotAllowedError,
  httpStatusForError,
  InvalidOptionsError,
  publicErrorMessage,
  TokenRequestError,
  TwilioOAuthError,
} from './errors';

const tokenError = (code: string, retryable = false) =>
  new TokenRequestError(code, `failed: ${code}`, { retryable });

describe('errors', () => {
  it('set name, code and their own fields', () => {
    const e = new TokenRequestError('invalid_client', 'rejected', { status: 401, attempts: 1 });
    expect(e).toBeInstanceOf(TwilioOAuthError);
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({
      name: 'TokenRequestError',
      code: 'invalid_client',
      status: 401,
      retryable: false,
      attempts: 1,
    });
    expect(new InvalidOptionsError('timeoutMs', 'bad')).toMatchObject({
      name: 'InvalidOptionsError',
      code: 'invalid_option',
      option: 'timeoutMs',
      message: 'Invalid option "timeoutMs": bad',
    });
    expect(new HostNotAllowedError('evil.example')).toMatchObject({
      name: 'HostNotAllowedError',
      code: 'host_not_allowed',
      host: 'evil.example',
    });
  });

  it('JSON.stringify shows only safe fields', () => {
    const cause = Object.assign(new Error('inner'), { body: 'client_secret=hunter2' });
    const e = new TokenRequestError('network_error', 'failed', {
      retryable: true,
      attempts: 3,
      cause,
    });
    expect(JSON.parse(JSON.stringify(e))).toEqual({
      name: 'TokenRequestError',
      code: 'network_error',
      message: 'failed',
      retryable: true,
      attempts: 3,
    });
  });

  it('httpStatusForError: 503 when the service is unavailable, 502 when rejected, else undefined', () => {
    for (const code of ['timeout', 'network_error', 'server_error', 'rate_limited', 'aborted']) {
      expect(httpStatusForError(tokenError(code, true))).toBe(503);
    }
    for (const code of [
      'invalid_client',
      'invalid_grant',
      'unauthorized_client',
      'invalid_scope',
      'invalid_response',
    ]) {
      expect(httpStatusForError(tokenError(code))).toBe(502);
    }
    expect(httpStatusForError(new TwilioOAuthError('closed', 'closed'))).toBe(503);
    expect(httpStatusForError(new HostNotAllowedError('x'))).toBeUndefined();
    expect(httpStatusForError(new InvalidOptionsError('x', 'y'))).toBeUndefined();
    expect(httpStatusForError(new Error('other'))).toBeUndefined();
    expect(httpStatusForError('string')).toBeUndefined();
    expect(httpStatusForError(undefined)).toBeUndefined();
  });

  it('recognises token errors from another copy of the package (ESM/CJS)', () => {
    const foreign = Object.assign(new Error('x'), { name: 'TokenRequestError', code: 'timeout' });
    expect(httpStatusForError(foreign)).toBe(503);
  });

  it('publicErrorMessage says what happened without details', () => {
    expect(publicErrorMessage(tokenError('invalid_client'))).toBe(
      'Twilio credentials were rejected (invalid_client)',
    );
    expect(publicErrorMessage(tokenError('timeout', true))).toBe(
      'Twilio token service unavailable (timeout)',
    );
    expect(publicErrorMessage(tokenError('invalid_response'))).toBe(
      'Twilio token service sent an invalid response (invalid_response)',
    );
    expect(publicErrorMessage(new Error('secret details'))).toBe('Internal error');
  });

  it('keeps the Twilio code and link as own fields, shown by JSON.stringify', () => {
    const e = new TokenRequestError('invalid_client', 'rejected', {
      status: 400,
      twilioCode: 322402,
      moreInfo: 'https://www.twilio.com/docs/errors/322402',
    });
    expect(JSON.parse(JSON.stringify(e))).toMatchObject({
      code: 'invalid_client',
      twilioCode: 322402,
      moreInfo: 'https://www.twilio.com/docs/errors/322402',
    });
    expect(new TokenRequestError('timeout', 'x')).not.toHaveProperty('twilioCode');
  });

  it('publicErrorMessage names the Twilio code, and nothing else of the server', () => {
    const twilio = (code: string, twilioCode: number, retryable = false) =>
      new TokenRequestError(code, 'Token request failed: server text', { retryable, twilioCode });
    expect(publicErrorMessage(twilio('invalid_client', 322402))).toBe(
      'Twilio credentials were rejected (invalid_client, Twilio error 322402)',
    );
    expect(publicErrorMessage(twilio('server_error', 20500, true))).toBe(
      'Twilio token service unavailable (server_error, Twilio error 20500)',
    );
    expect(publicErrorMessage(twilio('twilio_error', 20001))).toBe(
      'Twilio credentials were rejected (twilio_error, Twilio error 20001)',
    );
    expect(httpStatusForError(twilio('twilio_error', 20001))).toBe(502);
    const foreign = Object.assign(new Error('x'), {
      name: 'TokenRequestError',
      code: 'invalid_client',
      twilioCode: '322402 <script>',
    });
    expect(publicErrorMessage(foreign)).toBe('Twilio credentials were rejected (invalid_client)');
  });
});
