import { describe, expect, it } from 'vitest';
import { clientErrorResponse, parseRequestLine } from '@engine/proxy/clientErrors.js';

describe('client errors', () => {
  it('maps parser errors to the status NetLens answers', () => {
    expect(clientErrorResponse('HPE_HEADER_OVERFLOW')?.status).toBe(431);
    expect(clientErrorResponse('HPE_INVALID_HEADER_TOKEN')?.status).toBe(400);
    expect(clientErrorResponse('ERR_HTTP_REQUEST_TIMEOUT')?.status).toBe(408);
    expect(clientErrorResponse('ECONNRESET')).toBeUndefined();
    // The client closed in the middle of a message: nobody to answer, nothing to record.
    expect(clientErrorResponse('HPE_INVALID_EOF_STATE')).toBeUndefined();
  });

  it('reads the request line from the rejected bytes when it can', () => {
    expect(parseRequestLine(Buffer.from('GET http://a.test/x HTTP/1.1\r\nBad\r\n'))).toEqual({
      method: 'GET',
      target: 'http://a.test/x',
      version: 'HTTP/1.1',
    });
    expect(parseRequestLine(Buffer.from('\x00\x01garbage'))).toBeUndefined();
    expect(parseRequestLine(undefined)).toBeUndefined();
  });
});
