import { describe, expect, it } from 'vitest';
import { readableErrorBody, scimTypeOf } from './error-body';

describe('readableErrorBody', () => {
  it('gives a SCIM error a message, more_info and details.scimType, keeping its own fields', () => {
    const scim = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      detail: 'userName is taken',
      scimType: 'uniqueness',
      status: '409',
      code: 20409,
      moreInfo: 'https://www.twilio.com/docs/errors/20409',
    };
    expect(readableErrorBody(scim)).toEqual({
      ...scim,
      message: 'userName is taken',
      more_info: 'https://www.twilio.com/docs/errors/20409',
      details: { scimType: 'uniqueness' },
    });
    expect(scim).not.toHaveProperty('message');
  });

  it('fills more_info of a service error (moreInfo) and keeps its message', () => {
    const service = { code: 20001, message: 'bad role', moreInfo: 'https://x.test/1', status: 400 };
    expect(readableErrorBody(service)).toEqual({ ...service, more_info: 'https://x.test/1' });
  });

  it('merges scimType into existing details', () => {
    const body = { detail: 'd', scimType: 'invalidFilter', details: { hint: 'h' } };
    expect(readableErrorBody(body)).toMatchObject({
      details: { hint: 'h', scimType: 'invalidFilter' },
    });
  });

  it('leaves Twilio error objects, RFC 9457 problems and non-objects as they are', () => {
    const twilio = { code: 20404, message: 'Not found', more_info: 'u', status: 404 };
    const problem = { type: 'https://x.test/t', title: 'Bad', status: 400, code: 1, detail: 'd' };
    expect(readableErrorBody(twilio)).toBe(twilio);
    expect(readableErrorBody('<html>503</html>')).toBe('<html>503</html>');
    expect(readableErrorBody(null)).toBeNull();
    expect(readableErrorBody([1])).toEqual([1]);
    // The SDK tells RFC 9457 apart by type/title/status/code, which stay as they are.
    expect(readableErrorBody(problem)).toMatchObject({
      type: problem.type,
      title: 'Bad',
      status: 400,
      code: 1,
    });
  });
});

describe('scimTypeOf', () => {
  it('reads details.scimType of an error, and nothing from anything else', () => {
    const error = Object.assign(new Error('taken'), { details: { scimType: 'uniqueness' } });
    expect(scimTypeOf(error)).toBe('uniqueness');
    expect(scimTypeOf(Object.assign(new Error('x'), { details: { scimType: 7 } }))).toBeUndefined();
    expect(scimTypeOf(Object.assign(new Error('x'), { details: null }))).toBeUndefined();
    expect(scimTypeOf(new Error('plain'))).toBeUndefined();
    expect(scimTypeOf('uniqueness')).toBeUndefined();
    expect(scimTypeOf(undefined)).toBeUndefined();
  });
});
