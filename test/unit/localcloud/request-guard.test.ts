// What a web page can send to the local cloud and must be refused before the signature is read:
// any request naming its page in Origin, a CORS preflight, and a Host other than the address the
// cloud serves (DNS rebinding). SDKs and CLIs send none of those.
import { describe, expect, it } from 'vitest';
import { browserRefusal } from '../../../src/localcloud/request-guard.js';

const PORT = 4566;
const HOST = `127.0.0.1:${PORT}`;

describe('browserRefusal', () => {
  it('lets an SDK request through: no Origin, and the endpoint as Host', () => {
    expect(browserRefusal('POST', { host: HOST }, PORT)).toBeUndefined();
    expect(browserRefusal('GET', { host: `localhost:${PORT}` }, PORT)).toBeUndefined();
    expect(browserRefusal(undefined, { host: HOST }, PORT)).toBeUndefined();
  });

  it.each(['https://evil.example', `http://127.0.0.1:${PORT}`, 'null', ''])(
    'refuses any request that carries Origin %j, naming it',
    (origin) => {
      const refusal = browserRefusal('POST', { host: HOST, origin }, PORT);
      expect(refusal).toContain('refuses requests from web pages');
      expect(refusal).toContain(`(Origin: ${origin})`);
    },
  );

  it('refuses a CORS preflight, with or without Origin', () => {
    const preflight = {
      host: HOST,
      origin: 'https://evil.example',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,x-amz-date',
    };
    expect(browserRefusal('OPTIONS', preflight, PORT)).toMatch(/answers no CORS preflight/);
    expect(
      browserRefusal('OPTIONS', { host: HOST, 'access-control-request-method': 'PUT' }, PORT),
    ).toMatch(/answers no CORS preflight/);
    // An OPTIONS that is no preflight is judged like any request.
    expect(browserRefusal('OPTIONS', { host: HOST }, PORT)).toBeUndefined();
  });

  it.each([`127.0.0.1:${PORT}`, `localhost:${PORT}`, `LOCALHOST:${PORT}`, `LocalHost:${PORT}`])(
    'accepts Host %j',
    (host) => {
      expect(browserRefusal('POST', { host }, PORT)).toBeUndefined();
    },
  );

  it.each([
    ['another port', `127.0.0.1:${PORT + 1}`],
    ['no port', '127.0.0.1'],
    ['localhost without a port', 'localhost'],
    ['a rebound name', `rebind.evil.example:${PORT}`],
    ['a rebound name without a port', 'rebind.evil.example'],
    ['a name ending in localhost', `evil-localhost:${PORT}`],
    ['localhost with a trailing dot', `localhost.:${PORT}`],
    ['IPv6 loopback', `[::1]:${PORT}`],
    ['0.0.0.0', `0.0.0.0:${PORT}`],
  ])('refuses Host with %s (%s), naming it and the address to use', (_, host) => {
    const refusal = browserRefusal('POST', { host }, PORT);
    expect(refusal).toContain(`Host "${host}" is refused`);
    expect(refusal).toContain(`http://127.0.0.1:${PORT}`);
  });

  it('refuses a request with no Host at all', () => {
    expect(browserRefusal('POST', {}, PORT)).toContain('Host "" is refused');
  });

  it('checks the port it is given', () => {
    expect(browserRefusal('POST', { host: '127.0.0.1:9000' }, 9000)).toBeUndefined();
    expect(browserRefusal('POST', { host: HOST }, 9000)).toContain(`Host "${HOST}"`);
  });

  it('refuses a no-cors GET by its Sec-Fetch-Site, though it carries no Origin', () => {
    // A page's <img src="http://127.0.0.1:4566/..."> sends no Origin but always Sec-Fetch-Site.
    const noCors = {
      host: HOST,
      'sec-fetch-site': 'cross-site',
      'sec-fetch-mode': 'no-cors',
      'sec-fetch-dest': 'image',
    };
    expect(browserRefusal('GET', noCors, PORT)).toMatch(/web pages/);
    // Node's fetch marks its requests with Sec-Fetch-Mode only: a script is not a browser.
    expect(browserRefusal('GET', { host: HOST, 'sec-fetch-mode': 'cors' }, PORT)).toBeUndefined();
  });
});
