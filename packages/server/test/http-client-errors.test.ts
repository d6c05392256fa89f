// Requests Node's HTTP parser refuses before Fastify sees them (an unknown method, bad framing, a NUL in a header,
// headers too large, a request too slow to arrive) and HTTP/1.1 requests without Host: each is answered over a real
// loopback socket (inject() skips the parser) in the API's error shape, `{ error: { code, message } }`, with a JSON
// content type and a closed connection, and the server keeps serving afterwards.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerClientError, clientErrorAnswer } from '../src/http/client-errors.js';
import { type TestApp, testApp } from './http-fixture.js';

const HOST = 'Host: 127.0.0.1\r\n';

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  /** Everything the server sent before it closed the connection. */
  text: string;
}

let t: TestApp;
let port: number;

beforeAll(async () => {
  t = await testApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = portOf(t);
});

afterAll(() => t?.close());

function portOf(test: TestApp): number {
  const address = test.app.server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

/** Writes `request` on a new connection and reads the answer until the server closes it. */
function rawRequest(request: string | Buffer, to = port): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(to, '127.0.0.1', () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      const raw = rest.join('\r\n\r\n');
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {}
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0), headers, body, text });
    });
  });
}

/** The answer is the API's error: this status and code, a message, JSON, and the connection closed. */
function expectApiError(answer: RawAnswer, status: number, code: string): void {
  expect(answer.status, answer.text.slice(0, 300)).toBe(status);
  expect(answer.body, answer.text.slice(0, 300)).toEqual({ error: { code, message: expect.any(String) } });
  expect((answer.body as { error: { message: string } }).error.message.length).toBeGreaterThan(10);
  expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(answer.headers.connection).toBe('close');
  expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(JSON.stringify(answer.body)));
}

async function expectStillServes(): Promise<void> {
  const health = await fetch(`http://127.0.0.1:${port}/health`);
  expect(health.status).toBe(200);
  expect(health.headers.get('content-type')).toMatch(/^application\/json/);
}

describe('requests the HTTP parser refuses get 400 INVALID_REQUEST in the API shape', () => {
  const malformed: [name: string, request: string][] = [
    ['an unknown method', `FOO /v1/decisions HTTP/1.1\r\n${HOST}\r\n`],
    ['a line that is no request at all', 'GARBAGE\r\n\r\n'],
    [
      'Content-Length together with Transfer-Encoding: chunked',
      `POST /v1/decisions HTTP/1.1\r\n${HOST}Content-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}`,
    ],
    [
      'Transfer-Encoding: chunked together with Content-Length',
      `POST /v1/decisions HTTP/1.1\r\n${HOST}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n{}`,
    ],
    ['Content-Length: abc', `POST /v1/decisions HTTP/1.1\r\n${HOST}Content-Length: abc\r\n\r\n`],
    [
      'a duplicated Content-Length',
      `POST /v1/decisions HTTP/1.1\r\n${HOST}Content-Length: 5\r\nContent-Length: 7\r\n\r\n{}`,
    ],
    ['a NUL byte in a header value', `GET /health HTTP/1.1\r\n${HOST}X-Note: a\0b\r\n\r\n`],
    ['a space in a header name', `GET /health HTTP/1.1\r\n${HOST}Bad Header: x\r\n\r\n`],
    ['a request target without a leading /', `GET health HTTP/1.1\r\n${HOST}\r\n`],
    ['an HTTP version that does not exist', `GET /health HTTP/9.9\r\n${HOST}\r\n`],
  ];

  it.each(malformed)('%s', async (_name, request) => {
    expectApiError(await rawRequest(request), 400, 'INVALID_REQUEST');
  });

  it('a malformed chunk (the body of a request already routed, before any answer started)', async () => {
    const request =
      `POST /v1/decisions HTTP/1.1\r\n${HOST}x-api-key: ${t.keys.channel}\r\n` +
      'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n';
    expectApiError(await rawRequest(request), 400, 'INVALID_REQUEST');
    await expectStillServes();
  });

  it('says what is wrong with the request', async () => {
    const method = await rawRequest(`FOO /v1/decisions HTTP/1.1\r\n${HOST}\r\n`);
    expect((method.body as { error: { message: string } }).error.message).toMatch(/method/);
    const length = await rawRequest(`POST /v1/decisions HTTP/1.1\r\n${HOST}Content-Length: abc\r\n\r\n`);
    expect((length.body as { error: { message: string } }).error.message).toMatch(/content-length/);
  });

  it('keeps serving GET /health afterwards', async () => {
    for (const [, request] of malformed) await rawRequest(request);
    await expectStillServes();
  });
});

describe('other requests refused before routing', () => {
  it('headers over the limit get 431 HEADERS_TOO_LARGE', async () => {
    const answer = await rawRequest(`GET /health HTTP/1.1\r\n${HOST}X-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expectApiError(answer, 431, 'HEADERS_TOO_LARGE');
    await expectStillServes();
  });

  it('an HTTP/1.1 request without Host gets 400 INVALID_REQUEST (not an empty body)', async () => {
    const answer = await rawRequest('GET /health HTTP/1.1\r\n\r\n');
    expectApiError(answer, 400, 'INVALID_REQUEST');
    expect((answer.body as { error: { message: string } }).error.message).toMatch(/Host/);
    await expectStillServes();
  });

  it('an HTTP/1.0 request without Host is still served', async () => {
    const answer = await rawRequest('GET /health HTTP/1.0\r\n\r\n');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
  });

  it('a request whose headers do not arrive in time gets 408 REQUEST_TIMEOUT', async () => {
    const slow = await testApp();
    try {
      // Node checks the timeouts every connectionsCheckingInterval ms (read when the server starts listening).
      Object.assign(slow.app.server, { headersTimeout: 200, connectionsCheckingInterval: 50 });
      await slow.app.listen({ port: 0, host: '127.0.0.1' });
      const answer = await rawRequest(`GET /health HTTP/1.1\r\n${HOST}X-Never: ends`, portOf(slow));
      expectApiError(answer, 408, 'REQUEST_TIMEOUT');
      const health = await fetch(`http://127.0.0.1:${portOf(slow)}/health`);
      expect(health.status).toBe(200);
    } finally {
      await slow.close();
    }
  });
});

describe('the client error handler', () => {
  it('answers nothing on a connection the client reset or a broken pipe, like Fastify', () => {
    expect(clientErrorAnswer({ code: 'ECONNRESET' })).toBeUndefined();
    expect(clientErrorAnswer({ code: 'EPIPE' })).toBeUndefined();
    const written: unknown[] = [];
    let destroyed = 0;
    const socket = {
      destroyed: false,
      writable: true,
      write: (data: unknown) => written.push(data),
      destroy: () => destroyed++,
    };
    answerClientError({ code: 'ECONNRESET' }, socket as never);
    answerClientError({ code: 'EPIPE' }, socket as never);
    expect(written).toEqual([]);
    expect(destroyed).toBe(2);
  });

  it('writes no second answer on a socket whose response already started', () => {
    const written: unknown[] = [];
    const socket = {
      destroyed: false,
      writable: true,
      _httpMessage: { headersSent: true },
      write: (data: unknown) => written.push(data),
      destroy: () => {},
    };
    answerClientError({ code: 'HPE_INVALID_CHUNK_SIZE' }, socket as never);
    expect(written).toEqual([]);
  });

  it('answers an unlisted parse error with INVALID_REQUEST and the parser reason', () => {
    expect(clientErrorAnswer({ code: 'HPE_LF_EXPECTED', reason: 'Missing expected LF after header value' })).toEqual({
      status: 400,
      body: {
        error: {
          code: 'INVALID_REQUEST',
          message: 'the request is not valid HTTP/1.1 (Missing expected LF after header value)',
        },
      },
    });
  });
});
