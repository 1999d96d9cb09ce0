// The runtime's own HTTP client against a raw TCP server that writes exactly the bytes each
// case needs: every body framing the Runtime API (or a proxy in front of it) may use, split
// across packets, and malformed answers, which must fail the request rather than hang it.
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpConnection, type HttpResult } from '../../../runtime/http-connection.js';

/** Answers every request on a connection with the given packets, written one by one. */
type Script = (socket: net.Socket, request: string) => void;

const servers: net.Server[] = [];
const connections: HttpConnection[] = [];
afterEach(async () => {
  for (const connection of connections.splice(0)) connection.close();
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

async function serve(script: Script): Promise<HttpConnection> {
  const server = net.createServer((socket) => {
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      // One request at a time, with no body for GET: the head ends the request.
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      const request = received.slice(0, end);
      received = received.slice(end + 4);
      script(socket, request);
    });
    socket.on('error', () => undefined);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const connection = new HttpConnection('127.0.0.1', (server.address() as AddressInfo).port);
  connections.push(connection);
  return connection;
}

/** Writes the packets with a pause between them, so each arrives as its own `data` event. */
async function writeApart(socket: net.Socket, packets: string[], end = false): Promise<void> {
  for (const packet of packets) {
    socket.write(packet, 'latin1');
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
  if (end) socket.end();
}

function text(result: HttpResult) {
  return { status: result.status, body: result.body.toString('latin1') };
}

describe('HttpConnection: body framings', () => {
  it.each([
    {
      name: 'Content-Length',
      packets: ['HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello'],
      body: 'hello',
    },
    {
      name: 'Content-Length, split inside the head and the body',
      packets: ['HTTP/1.1 200 OK\r\nConte', 'nt-Length: 11\r\n\r', '\nhello ', 'world'],
      body: 'hello world',
    },
    {
      name: 'chunked',
      packets: ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'],
      body: 'hello',
    },
    {
      name: 'chunked with trailers',
      packets: [
        'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n',
      ],
      body: 'hello',
    },
    {
      name: 'chunked with a chunk extension and two trailers',
      packets: [
        'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n0\r\nX-A: 1\r\nX-B: 2\r\n\r\n',
      ],
      body: 'abc',
    },
    {
      name: 'chunked, split across packets at every boundary',
      packets: [
        'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n',
        '5\r',
        '\nhel',
        'lo\r\n',
        '6\r\n world\r',
        '\n0\r\n',
        'X-T: 1\r\n',
        '\r\n',
      ],
      body: 'hello world',
    },
    {
      name: 'chunked, the final CRLF in a packet of its own',
      packets: ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n', '\r\n'],
      body: 'ok',
    },
  ])('reads a $name body', async ({ packets, body }) => {
    const connection = await serve((socket) => void writeApart(socket, packets));
    expect(text(await connection.request('GET', '/next'))).toEqual({ status: 200, body });
    // The connection is still usable: the framing left nothing behind in the buffer.
    expect(text(await connection.request('GET', '/next'))).toEqual({ status: 200, body });
  });

  it('reads a body without length or chunking up to the close of the connection', async () => {
    const connection = await serve(
      (socket) => void writeApart(socket, ['HTTP/1.1 200 OK\r\n\r\npart one, ', 'part two'], true),
    );
    expect(text(await connection.request('GET', '/next'))).toEqual({
      status: 200,
      body: 'part one, part two',
    });
  });

  it('opens a new connection after `Connection: close`', async () => {
    const ports = new Set<number>();
    const connection = await serve((socket) => {
      ports.add(socket.remotePort!);
      socket.end('HTTP/1.1 202 Accepted\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok');
    });
    expect(text(await connection.request('POST', '/a', '', 'x'))).toEqual({
      status: 202,
      body: 'ok',
    });
    expect(text(await connection.request('POST', '/b', '', 'y'))).toEqual({
      status: 202,
      body: 'ok',
    });
    expect(ports.size).toBe(2);
  });

  it('sends the head and a body with its Content-Length', async () => {
    const requests: string[] = [];
    const connection = await serve((socket, request) => {
      requests.push(request);
      socket.write('HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n');
    });
    await connection.request('GET', '/2018-06-01/runtime/invocation/next');
    expect(requests[0]).toMatch(
      /^GET \/2018-06-01\/runtime\/invocation\/next HTTP\/1\.1\r\nHost: 127\.0\.0\.1:\d+$/,
    );
  });
});

describe('HttpConnection: malformed answers fail the request instead of hanging it', () => {
  it.each([
    ['a Content-Length that is not a number', 'Content-Length: abc\r\n\r\nhello'],
    ['a negative Content-Length', 'Content-Length: -5\r\n\r\nhello'],
    ['a Content-Length with trailing junk', 'Content-Length: 5x\r\n\r\nhello'],
    ['a chunk size that is not hexadecimal', 'Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n'],
  ])('%s', async (_name, rest) => {
    // The server keeps the connection open: only the client's own check can end the request.
    const connection = await serve((socket) => socket.write(`HTTP/1.1 200 OK\r\n${rest}`));
    await expect(connection.request('GET', '/next')).rejects.toThrow(/malformed/);
  });
});
