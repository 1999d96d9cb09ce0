// SigV4 verification: AWS's published test suite (each vector's request and signature copied from
// the suite, never recomputed here), the ways a request is refused, and round trips through the
// SDK's own signer (@smithy/signature-v4) for what the suite leaves out: encoded ARNs in paths,
// repeated and empty query values, and header values with runs of spaces.
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import {
  type Caller,
  CredentialAuthority,
  type KeyLookup,
} from '../../../src/localcloud/credentials.js';
import { type SignedRequest, verifySignature } from '../../../src/localcloud/sigv4.js';
import { Sha256 } from '../../support/signed-request.js';

// The suite's credentials, scope and date.
const ACCESS_KEY_ID = 'AKIDEXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const SUITE_DATE = new Date('2015-08-30T12:36:00Z');
const CALLER: Caller = {
  arn: 'arn:aws:iam::000000000000:root',
  userId: '000000000000',
  accessKeyId: ACCESS_KEY_ID,
};

function exampleKeys(accessKeyId: string): KeyLookup {
  return accessKeyId === ACCESS_KEY_ID
    ? { ok: true, secretAccessKey: SECRET, caller: CALLER }
    : { ok: false, problem: 'unknown-key' };
}

/**
 * A request in the suite's text form: the request line, `Name:value` lines, a blank line, the
 * body. The target is taken as the request line spells it.
 */
function parseRequest(text: string): SignedRequest {
  const blank = text.indexOf('\n\n');
  const head = blank < 0 ? text : text.slice(0, blank);
  const body = blank < 0 ? '' : text.slice(blank + 2);
  const [requestLine = '', ...headerLines] = head.split('\n');
  const match = /^(\S+) (.*) HTTP\/1\.1$/i.exec(requestLine);
  if (!match) throw new Error(`not a request line: ${requestLine}`);
  const rawHeaders = headerLines
    .filter((line) => line !== '')
    .flatMap((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon), line.slice(colon + 1)];
    });
  return {
    method: match[1] as string,
    url: match[2] as string,
    rawHeaders,
    body: Buffer.from(body),
  };
}

/** The same request with the last hex digit of its signature changed. */
function withSignatureChanged(request: SignedRequest): SignedRequest {
  const rawHeaders = request.rawHeaders.map((value, i) => {
    if (i % 2 === 0 || request.rawHeaders[i - 1]?.toLowerCase() !== 'authorization') return value;
    const last = value.at(-1) === '0' ? '1' : '0';
    return `${value.slice(0, -1)}${last}`;
  });
  return { ...request, rawHeaders };
}

const AUTHZ =
  'Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request';
const HOST = 'Host:example.amazonaws.com';
const DATE = 'X-Amz-Date:20150830T123600Z';
const STS_TOKEN =
  'AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==';

/** A signed request of the suite: its lines, then its Authorization's SignedHeaders and Signature. */
function vector(lines: readonly string[], signedHeaders: string, signature: string): string {
  const authorization = `${AUTHZ}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  const blank = lines.indexOf('');
  const head = blank < 0 ? lines : lines.slice(0, blank);
  const body = blank < 0 ? '' : lines.slice(blank + 1).join('\n');
  return `${[...head, authorization].join('\n')}\n\n${body}`;
}

// The 2015 aws-sig-v4-test-suite (docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite),
// as kept in awslabs/aws-c-auth tests/aws-signing-test-suite/v4/<name>/header-signed-request.txt
// and in the SDKs' own suites (smithy-typescript packages/signature-v4/src/suite.fixture.ts).
// get-vanilla-query-order-key and -order-value left the newer aws-c-auth copy; theirs are the
// original suite's .sreq files.
const SUITE: readonly { name: string; request: string }[] = [
  {
    name: 'get-vanilla',
    request: vector(
      ['GET / HTTP/1.1', HOST, DATE],
      'host;x-amz-date',
      '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    ),
  },
  {
    name: 'get-vanilla-query',
    request: vector(
      ['GET / HTTP/1.1', HOST, DATE],
      'host;x-amz-date',
      '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    ),
  },
  {
    name: 'get-vanilla-empty-query-key',
    request: vector(
      ['GET /?Param1=value1 HTTP/1.1', HOST, DATE],
      'host;x-amz-date',
      'a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb',
    ),
  },
  {
    name: 'get-vanilla-query-order-key',
    request: vector(
      ['GET /?Param1=value2&Param1=Value1 HTTP/1.1', HOST, DATE],
      'host;x-amz-date',
      'eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1',
    ),
  },
  {
    name: 'get-vanilla-query-order-key-case',
    request: vector(
      ['GET /?Param2=value2&Param1=value1 HTTP/1.1', HOST, DATE],
      'host;x-amz-date',
      'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500',
    ),
  },
  {
    name: 'get-vanilla-query-order-value',
    request: vector(
      ['GET /?Param1=value2&Param1=value1 HTTP/1.1', HOST, DATE],
      'host;x-amz-date',
      '5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694',
    ),
  },
  {
    name: 'get-vanilla-query-order-encoded',
    request: vector(
      ['GET /?Param-3=Value3&Param=Value2&%E1%88%B4=Value1 HTTP/1.1', HOST, DATE],
      'host;x-amz-date',
      '371d3713e185cc334048618a97f809c9ffe339c62934c032af5a0e595648fcac',
    ),
  },
  {
    name: 'get-vanilla-query-unreserved',
    request: vector(
      [
        'GET /?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz HTTP/1.1',
        HOST,
        DATE,
      ],
      'host;x-amz-date',
      '9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197',
    ),
  },
  {
    name: 'get-vanilla-utf8-query',
    request: vector(
      ['GET /?ሴ=bar HTTP/1.1', HOST, DATE],
      'host;x-amz-date',
      '2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04',
    ),
  },
  {
    // The same vector as it arrives on the wire: query pairs are decoded before they are escaped.
    name: 'get-vanilla-utf8-query (percent-encoded on the wire)',
    request: vector(
      ['GET /?%E1%88%B4=bar HTTP/1.1', HOST, DATE],
      'host;x-amz-date',
      '2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04',
    ),
  },
  {
    name: 'get-utf8',
    request: vector(
      ['GET /ሴ HTTP/1.1', HOST, DATE],
      'host;x-amz-date',
      '8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85',
    ),
  },
  {
    name: 'get-unreserved',
    request: vector(
      [
        'GET /-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz HTTP/1.1',
        HOST,
        DATE,
      ],
      'host;x-amz-date',
      '07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f',
    ),
  },
  {
    name: 'get-header-key-duplicate',
    request: vector(
      ['GET / HTTP/1.1', HOST, 'My-Header1:value2', 'My-Header1:value2', 'My-Header1:value1', DATE],
      'host;my-header1;x-amz-date',
      'c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea',
    ),
  },
  {
    name: 'get-header-value-order',
    request: vector(
      [
        'GET / HTTP/1.1',
        HOST,
        'My-Header1:value4',
        'My-Header1:value1',
        'My-Header1:value3',
        'My-Header1:value2',
        DATE,
      ],
      'host;my-header1;x-amz-date',
      '08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01',
    ),
  },
  {
    name: 'get-header-value-trim',
    request: vector(
      ['GET / HTTP/1.1', HOST, 'My-Header1: value1', 'My-Header2: "a   b   c"', DATE],
      'host;my-header1;my-header2;x-amz-date',
      'acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736',
    ),
  },
  {
    name: 'get-vanilla-with-session-token',
    request: vector(
      [
        'GET / HTTP/1.1',
        HOST,
        DATE,
        'X-Amz-Security-Token:6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267',
      ],
      'host;x-amz-date;x-amz-security-token',
      '07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8',
    ),
  },
  // normalize-path: dot segments and empty segments removed, then the path escaped.
  {
    name: 'normalize-path/get-relative',
    request: vector(
      ['GET /example/.. HTTP/1.1', HOST, DATE],
      'host;x-amz-date',
      '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    ),
  },
  {
    name: 'normalize-path/get-relative-relative',
    request: vector(
      ['GET /example1/example2/../.. HTTP/1.1', HOST, DATE],
      'host;x-amz-date',
      '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    ),
  },
  {
    name: 'normalize-path/get-slash',
    request: vector(
      ['GET // HTTP/1.1', HOST, DATE],
      'host;x-amz-date',
      '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    ),
  },
  {
    name: 'normalize-path/get-slash-dot-slash',
    request: vector(
      ['GET /./ HTTP/1.1', HOST, DATE],
      'host;x-amz-date',
      '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    ),
  },
  {
    name: 'normalize-path/get-slash-pointless-dot',
    request: vector(
      ['GET /./example HTTP/1.1', HOST, DATE],
      'host;x-amz-date',
      'ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5',
    ),
  },
  {
    name: 'normalize-path/get-slashes',
    request: vector(
      ['GET //example// HTTP/1.1', HOST, DATE],
      'host;x-amz-date',
      '9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84',
    ),
  },
  {
    name: 'normalize-path/get-space',
    request: vector(
      ['GET /example space/ HTTP/1.1', HOST, DATE],
      'host;x-amz-date',
      '652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741',
    ),
  },
  {
    name: 'post-vanilla',
    request: vector(
      ['POST / HTTP/1.1', HOST, DATE],
      'host;x-amz-date',
      '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b',
    ),
  },
  {
    name: 'post-vanilla-query',
    request: vector(
      ['POST /?Param1=value1 HTTP/1.1', HOST, DATE],
      'host;x-amz-date',
      '28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11',
    ),
  },
  {
    name: 'post-vanilla-empty-query-value',
    request: vector(
      ['POST /?Param1=value1 HTTP/1.1', HOST, DATE],
      'host;x-amz-date',
      '28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11',
    ),
  },
  {
    name: 'post-header-key-case',
    request: vector(
      ['POST / HTTP/1.1', HOST, DATE],
      'host;x-amz-date',
      '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b',
    ),
  },
  {
    name: 'post-header-key-sort',
    request: vector(
      ['POST / HTTP/1.1', HOST, 'My-Header1:value1', DATE],
      'host;my-header1;x-amz-date',
      'c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c',
    ),
  },
  {
    name: 'post-header-value-case',
    request: vector(
      ['POST / HTTP/1.1', HOST, 'My-Header1:VALUE1', DATE],
      'host;my-header1;x-amz-date',
      'cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d',
    ),
  },
  {
    name: 'post-x-www-form-urlencoded',
    request: vector(
      [
        'POST / HTTP/1.1',
        'Content-Type:application/x-www-form-urlencoded',
        HOST,
        DATE,
        'Content-Length:13',
        '',
        'Param1=value1',
      ],
      'content-type;host;x-amz-date',
      'ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a',
    ),
  },
  {
    name: 'post-x-www-form-urlencoded-parameters',
    request: vector(
      [
        'POST / HTTP/1.1',
        'Content-Type:application/x-www-form-urlencoded; charset=utf8',
        HOST,
        DATE,
        'Content-Length:13',
        '',
        'Param1=value1',
      ],
      'content-type;host;x-amz-date',
      '1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe',
    ),
  },
  {
    // aws-c-auth's revision: Content-Length and the payload's hash signed too.
    name: 'post-x-www-form-urlencoded (aws-c-auth, content hash signed)',
    request: vector(
      [
        'POST / HTTP/1.1',
        'Content-Type:application/x-www-form-urlencoded',
        HOST,
        'Content-Length:13',
        'x-amz-content-sha256:9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e',
        DATE,
        '',
        'Param1=value1',
      ],
      'content-length;content-type;host;x-amz-content-sha256;x-amz-date',
      'd3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b',
    ),
  },
  {
    name: 'post-x-www-form-urlencoded-parameters (aws-c-auth, content hash signed)',
    request: vector(
      [
        'POST / HTTP/1.1',
        'Content-Type:application/x-www-form-urlencoded; charset=utf-8',
        HOST,
        'Content-Length:13',
        'x-amz-content-sha256:9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e',
        DATE,
        '',
        'Param1=value1',
      ],
      'content-length;content-type;host;x-amz-content-sha256;x-amz-date',
      '328d1b9eaadca9f5818ef05e8392801e091653bafec24fcab71e7344e7f51422',
    ),
  },
  {
    name: 'post-sts-token/post-sts-header-before',
    request: vector(
      ['POST / HTTP/1.1', HOST, DATE, `X-Amz-Security-Token:${STS_TOKEN}`],
      'host;x-amz-date;x-amz-security-token',
      '85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead',
    ),
  },
];

// Not run:
// - get-header-value-multiline: its header is folded across lines (obs-fold), which Node's HTTP
//   parser refuses (HPE_INVALID_HEADER_TOKEN) before any handler runs, and whose canonical form
//   (folds become commas) no `rawHeaders` array can carry.
// - the aws-c-auth "-unnormalized" variants (get-relative-unnormalized, get-slashes-unnormalized…):
//   they sign the path as given, S3's way; this verifier normalizes and escapes once more, as the
//   SDKs do for every other service.
// - post-sts-token/post-sts-header-after: the token is added after signing, so it is present but
//   unsigned; the verifier refuses that (below, with the other unsigned x-amz-* headers).
// get-utf8, get-space and the dot-segment vectors are fed with the target as the suite's request
// line spells it ("/ሴ", "/example space/"). Node would refuse those request lines; a client sends
// "/%E1%88%B4", which the SDKs and this verifier alike escape once more ("/%25E1%2588%25B4") — the
// SDK round trips below cover that form.

describe('verifySignature: the AWS SigV4 test suite', () => {
  it.each(SUITE)(
    '$name verifies, and fails with one digit of its signature changed',
    ({ request }) => {
      const parsed = parseRequest(request);
      expect(verifySignature(parsed, exampleKeys, SUITE_DATE)).toEqual({
        ok: true,
        caller: CALLER,
        signingName: 'service',
      });
      expect(verifySignature(withSignatureChanged(parsed), exampleKeys, SUITE_DATE)).toEqual({
        ok: false,
        problem: { kind: 'mismatch' },
      });
    },
  );

  it('hands the lookup the session token the request carries', () => {
    const seen: [string, string | undefined][] = [];
    const lookup = (accessKeyId: string, sessionToken: string | undefined): KeyLookup => {
      seen.push([accessKeyId, sessionToken]);
      return exampleKeys(accessKeyId);
    };
    const request = SUITE.find(({ name }) => name === 'post-sts-token/post-sts-header-before');
    expect(verifySignature(parseRequest(request?.request ?? ''), lookup, SUITE_DATE).ok).toBe(true);
    expect(seen).toEqual([[ACCESS_KEY_ID, STS_TOKEN]]);
  });

  // The 2011 suite, signed for service "host" and dated by `Date` (botocore's
  // tests/unit/auth/aws4_testsuite before 2015, as google-auth-library-python quotes it).
  const vanilla2011 = (target: string, signature: string) =>
    parseRequest(
      [
        `GET ${target} HTTP/1.1`,
        'Date:Mon, 09 Sep 2011 23:36:00 GMT',
        'Host:host.foo.com',
        `Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20110909/us-east-1/host/aws4_request, SignedHeaders=date;host, Signature=${signature}`,
      ].join('\n'),
    );
  const at2011 = new Date('2011-09-09T23:36:00Z');

  it('takes the date from a Date header when there is no X-Amz-Date (2011 get-vanilla)', () => {
    const request = vanilla2011(
      '/',
      'b27ccfbfa7df52a200ff74193ca6e32d4b48b8856fab7ebf1c595d0670a7e470',
    );
    expect(verifySignature(request, exampleKeys, at2011)).toEqual({
      ok: true,
      caller: CALLER,
      signingName: 'host',
    });
    const relative = vanilla2011(
      '/foo/bar/../..',
      'b27ccfbfa7df52a200ff74193ca6e32d4b48b8856fab7ebf1c595d0670a7e470',
    );
    expect(verifySignature(relative, exampleKeys, at2011).ok).toBe(true);
  });

  it('escapes an already-escaped path once more: the 2011 get-utf8, signed as sent, fails', () => {
    // That vector sends "/%E1%88%B4" and signs it as is (single encoding, S3's way); the SDKs
    // sign a non-S3 request's wire path escaped again ("/%25E1%2588%25B4"), and so does this.
    const request = vanilla2011(
      '/%E1%88%B4',
      '8d6634c189aa8c75c2e51e106b6b5121bed103fdb351f7d7d4381c738823af74',
    );
    expect(verifySignature(request, exampleKeys, at2011)).toEqual({
      ok: false,
      problem: { kind: 'mismatch' },
    });
    // Given the path unescaped, the one escape is the vector's: it verifies.
    const unescaped = vanilla2011(
      '/ሴ',
      '8d6634c189aa8c75c2e51e106b6b5121bed103fdb351f7d7d4381c738823af74',
    );
    expect(verifySignature(unescaped, exampleKeys, at2011).ok).toBe(true);
  });
});

/** get-vanilla, with some of its lines replaced. */
function vanilla(
  changes: { authorization?: string | null; date?: string | null } = {},
): SignedRequest {
  const authorization =
    changes.authorization === undefined
      ? 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'
      : changes.authorization;
  const date = changes.date === undefined ? '20150830T123600Z' : changes.date;
  return {
    method: 'GET',
    url: '/',
    rawHeaders: [
      'Host',
      'example.amazonaws.com',
      ...(date === null ? [] : ['X-Amz-Date', date]),
      ...(authorization === null ? [] : ['Authorization', authorization]),
    ],
    body: Buffer.alloc(0),
  };
}

describe('verifySignature: refusals', () => {
  it('finds no signature without an Authorization header (a presigned URL included)', () => {
    expect(verifySignature(vanilla({ authorization: null }), exampleKeys, SUITE_DATE)).toEqual({
      ok: false,
      problem: { kind: 'missing' },
    });
    expect(verifySignature(vanilla({ authorization: '   ' }), exampleKeys, SUITE_DATE)).toEqual({
      ok: false,
      problem: { kind: 'missing' },
    });
    const presigned = {
      ...vanilla({ authorization: null }),
      url: '/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    };
    expect(verifySignature(presigned, exampleKeys, SUITE_DATE)).toEqual({
      ok: false,
      problem: { kind: 'missing' },
    });
  });

  it.each([
    ['another scheme', 'Basic QUtJREVYQU1QTEU6c2VjcmV0', /algorithm other than AWS4-HMAC-SHA256/],
    [
      'another algorithm',
      'AWS4-HMAC-SHA512 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
      /algorithm other than AWS4-HMAC-SHA256/,
    ],
    [
      'no SignedHeaders or Signature',
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request',
      /'SignedHeaders', 'Signature'/,
    ],
    [
      'no Credential',
      'AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
      /'Credential'/,
    ],
    [
      'a scope without its terminator',
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
      /Credential should be scoped/,
    ],
    [
      'a scope whose date is not YYYYMMDD',
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/2015-08-30/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
      /Credential should be scoped/,
    ],
    [
      'a signature that is not 64 hex digits',
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa3',
      /64 hex/,
    ],
  ])('calls %s incomplete, and says why', (_, authorization, detail) => {
    const check = verifySignature(vanilla({ authorization }), exampleKeys, SUITE_DATE);
    expect(check).toEqual({
      ok: false,
      problem: { kind: 'incomplete', detail: expect.stringMatching(detail) },
    });
  });

  it('calls a request with neither X-Amz-Date nor Date incomplete', () => {
    expect(verifySignature(vanilla({ date: null }), exampleKeys, SUITE_DATE)).toEqual({
      ok: false,
      problem: { kind: 'incomplete', detail: expect.stringContaining("'X-Amz-Date'") },
    });
  });

  it('calls a credential scope dated another day than X-Amz-Date incomplete', () => {
    const authorization =
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150831/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31';
    expect(verifySignature(vanilla({ authorization }), exampleKeys, SUITE_DATE)).toEqual({
      ok: false,
      problem: {
        kind: 'incomplete',
        detail: expect.stringContaining("'20150831' != '20150830'"),
      },
    });
  });

  it('names a key the lookup does not know, and passes on an expired token', () => {
    const authorization =
      'AWS4-HMAC-SHA256 Credential=AKIAOTHERKEY/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31';
    expect(verifySignature(vanilla({ authorization }), exampleKeys, SUITE_DATE)).toEqual({
      ok: false,
      problem: { kind: 'unknown-key' },
    });
    const expired = (): KeyLookup => ({ ok: false, problem: 'expired-token' });
    expect(verifySignature(vanilla(), expired, SUITE_DATE)).toEqual({
      ok: false,
      problem: { kind: 'expired-token' },
    });
  });

  it('calls a signature made with another secret a mismatch', () => {
    const otherSecret = (): KeyLookup => ({
      ok: true,
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ',
      caller: CALLER,
    });
    expect(verifySignature(vanilla(), otherSecret, SUITE_DATE)).toEqual({
      ok: false,
      problem: { kind: 'mismatch' },
    });
  });

  it('accepts a signature up to five minutes old or early, and refuses one beyond', () => {
    const at = (ms: number) => new Date(SUITE_DATE.getTime() + ms);
    const minutes = 60_000;
    expect(verifySignature(vanilla(), exampleKeys, at(5 * minutes)).ok).toBe(true);
    expect(verifySignature(vanilla(), exampleKeys, at(-5 * minutes)).ok).toBe(true);
    expect(verifySignature(vanilla(), exampleKeys, at(5 * minutes + 1000))).toEqual({
      ok: false,
      problem: { kind: 'mismatch', detail: expect.stringMatching(/^Signature expired/) },
    });
    expect(verifySignature(vanilla(), exampleKeys, at(-5 * minutes - 1000))).toEqual({
      ok: false,
      problem: { kind: 'mismatch', detail: expect.stringMatching(/^Signature not yet current/) },
    });
    expect(verifySignature(vanilla(), exampleKeys, at(24 * 60 * minutes)).ok).toBe(false);
  });

  it('refuses an X-Amz-Date that is not basic ISO 8601', () => {
    const request = vanilla({
      date: '20150830T12:36:00Z',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    });
    expect(verifySignature(request, exampleKeys, SUITE_DATE).ok).toBe(false);
  });

  it('calls a body changed after signing a mismatch', () => {
    const request = parseRequest(
      SUITE.find(({ name }) => name === 'post-x-www-form-urlencoded')?.request ?? '',
    );
    expect(verifySignature(request, exampleKeys, SUITE_DATE).ok).toBe(true);
    const changed = { ...request, body: Buffer.from('Param1=value2') };
    expect(verifySignature(changed, exampleKeys, SUITE_DATE)).toEqual({
      ok: false,
      problem: { kind: 'mismatch' },
    });
  });
});

interface SdkRequest {
  readonly method?: string;
  /** The path as the SDK puts it on the wire (labels already escaped). */
  readonly path: string;
  readonly query?: Record<string, string | string[]>;
  /** The query as sent; default: `query`'s pairs, each part escaped. */
  readonly wireQuery?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly service?: string;
  readonly keys?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  readonly signingDate?: Date;
  readonly unsignableHeaders?: ReadonlySet<string>;
}

const NOW = new Date('2026-03-01T10:00:00Z');
const ROOT_KEYS = { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET };
const ENDPOINT_HOST = '127.0.0.1:4566';

/** `request` signed by the SDK's signer, as the verifier would receive it. */
async function sdkSigned(request: SdkRequest): Promise<SignedRequest> {
  const signer = new SignatureV4({
    credentials: request.keys ?? ROOT_KEYS,
    region: 'us-east-1',
    service: request.service ?? 'lambda',
    sha256: Sha256,
  });
  const signed = await signer.sign(
    {
      method: request.method ?? 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 4566,
      path: request.path,
      query: request.query ?? {},
      headers: { host: ENDPOINT_HOST, ...request.headers },
      body: request.body,
    },
    {
      signingDate: request.signingDate ?? NOW,
      ...(request.unsignableHeaders
        ? { unsignableHeaders: new Set(request.unsignableHeaders) }
        : {}),
    },
  );
  const query =
    request.wireQuery ??
    Object.entries(request.query ?? {})
      .flatMap(([key, values]) =>
        (Array.isArray(values) ? values : [values]).map(
          (value) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`,
        ),
      )
      .join('&');
  return {
    method: request.method ?? 'POST',
    url: query ? `${request.path}?${query}` : request.path,
    rawHeaders: Object.entries(signed.headers).flat(),
    body: Buffer.from(request.body ?? ''),
  };
}

/** Who the root keys are, as the verifier reports them. */
function rootKeys(accessKeyId: string, sessionToken: string | undefined): KeyLookup {
  return sessionToken === undefined
    ? exampleKeys(accessKeyId)
    : { ok: false, problem: 'unknown-key' };
}

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:f';
const INVOKE_PATH = `/2015-03-31/functions/${encodeURIComponent(FUNCTION_ARN)}/invocations`;

describe('verifySignature: requests the SDK signed', () => {
  it('verifies an Invoke whose path carries an escaped ARN, escaping it once more as the SDK does', async () => {
    expect(INVOKE_PATH).toBe(
      '/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Af/invocations',
    );
    const request = await sdkSigned({
      path: INVOKE_PATH,
      headers: {
        'content-type': 'application/json',
        'x-amz-invocation-type': 'RequestResponse',
        'x-amz-log-type': 'Tail',
      },
      body: '{"hello":"world"}',
    });
    expect(verifySignature(request, rootKeys, NOW)).toEqual({
      ok: true,
      caller: CALLER,
      signingName: 'lambda',
    });
    // The path is read as it arrived: the same signature does not cover the ARN unescaped.
    const unescaped = {
      ...request,
      url: `/2015-03-31/functions/${FUNCTION_ARN}/invocations`,
    };
    expect(verifySignature(unescaped, rootKeys, NOW)).toEqual({
      ok: false,
      problem: { kind: 'mismatch' },
    });
  });

  it('verifies repeated query keys in any order, and not with one value dropped', async () => {
    const request = await sdkSigned({
      method: 'GET',
      path: '/2015-03-31/functions/',
      query: { tag: ['b', 'a', 'A'], MaxItems: '5', Marker: 'x y/z+~*' },
    });
    expect(verifySignature(request, rootKeys, NOW).ok).toBe(true);
    const reordered = {
      ...request,
      url: '/2015-03-31/functions/?tag=A&Marker=x%20y%2Fz%2B~*&tag=a&MaxItems=5&tag=b',
    };
    expect(verifySignature(reordered, rootKeys, NOW).ok).toBe(true);
    const dropped = { ...request, url: '/2015-03-31/functions/?tag=a&tag=b&MaxItems=5' };
    expect(verifySignature(dropped, rootKeys, NOW)).toEqual({
      ok: false,
      problem: { kind: 'mismatch' },
    });
  });

  it('verifies empty query values, sent with or without their "="', async () => {
    const query = { Marker: '', FunctionVersion: 'ALL' };
    const withEquals = await sdkSigned({ method: 'GET', path: '/2015-03-31/functions/', query });
    expect(withEquals.url).toBe('/2015-03-31/functions/?Marker=&FunctionVersion=ALL');
    expect(verifySignature(withEquals, rootKeys, NOW).ok).toBe(true);
    const bare = await sdkSigned({
      method: 'GET',
      path: '/2015-03-31/functions/',
      query,
      wireQuery: 'FunctionVersion=ALL&Marker',
    });
    expect(verifySignature(bare, rootKeys, NOW).ok).toBe(true);
  });

  it('verifies header values with runs of spaces and tabs, collapsed as the SDK does', async () => {
    const request = await sdkSigned({
      path: '/',
      service: 'sts',
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        'x-amz-user-agent': 'aws-sdk-js/3.0   ua/2.1\t\tos/linux',
        'x-custom-note': '  a    b \t c  ',
      },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(verifySignature(request, rootKeys, NOW)).toEqual({
      ok: true,
      caller: CALLER,
      signingName: 'sts',
    });
    // Node's parser hands the value over without its outer spaces: the same.
    const trimmed = {
      ...request,
      rawHeaders: request.rawHeaders.map((value, i) => (i % 2 === 1 ? value.trim() : value)),
    };
    expect(verifySignature(trimmed, rootKeys, NOW).ok).toBe(true);
  });

  it('verifies temporary credentials through the authority, and refuses them once expired', async () => {
    const authority = new CredentialAuthority({
      accessKeyId: 'AKIAROOTEXAMPLE00000',
      secretAccessKey: 'root-secret-for-tests',
    });
    const lookup = (id: string, token: string | undefined) => authority.lookup(id, token);
    const session = authority.issueSession(
      'arn:aws:iam::000000000000:role/runner',
      'fn',
      3600,
      'AROAEXAMPLEROLEID0000',
    );
    const request = await sdkSigned({
      path: '/',
      service: 'sts',
      keys: session,
      signingDate: new Date(),
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(verifySignature(request, lookup)).toEqual({
      ok: true,
      caller: {
        arn: 'arn:aws:sts::000000000000:assumed-role/runner/fn',
        userId: 'AROAEXAMPLEROLEID0000:fn',
        accessKeyId: session.accessKeyId,
      },
      signingName: 'sts',
    });

    const expired = authority.issueSession('arn:aws:iam::000000000000:role/runner', 'fn', -1);
    const late = await sdkSigned({
      path: '/',
      service: 'sts',
      keys: expired,
      signingDate: new Date(),
    });
    expect(verifySignature(late, lookup)).toEqual({
      ok: false,
      problem: { kind: 'expired-token' },
    });
  });

  it('calls a signature made with another secret a mismatch', async () => {
    const request = await sdkSigned({
      path: INVOKE_PATH,
      keys: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: 'not-the-secret' },
      body: '{}',
    });
    expect(verifySignature(request, rootKeys, NOW)).toEqual({
      ok: false,
      problem: { kind: 'mismatch' },
    });
  });

  it('calls a body changed after signing a mismatch', async () => {
    const request = await sdkSigned({ path: INVOKE_PATH, body: '{"amount":1}' });
    expect(verifySignature(request, rootKeys, NOW).ok).toBe(true);
    const changed = { ...request, body: Buffer.from('{"amount":1000}') };
    expect(verifySignature(changed, rootKeys, NOW)).toEqual({
      ok: false,
      problem: { kind: 'mismatch' },
    });
  });

  it('refuses a request signed more than five minutes before or after it arrives', async () => {
    const sixMinutes = 6 * 60_000;
    const old = await sdkSigned({
      path: INVOKE_PATH,
      body: '{}',
      signingDate: new Date(NOW.getTime() - sixMinutes),
    });
    expect(verifySignature(old, rootKeys, NOW).ok).toBe(false);
    const future = await sdkSigned({
      path: INVOKE_PATH,
      body: '{}',
      signingDate: new Date(NOW.getTime() + sixMinutes),
    });
    expect(verifySignature(future, rootKeys, NOW).ok).toBe(false);
    const recent = await sdkSigned({
      path: INVOKE_PATH,
      body: '{}',
      signingDate: new Date(NOW.getTime() - 4 * 60_000),
    });
    expect(verifySignature(recent, rootKeys, NOW).ok).toBe(true);
  });
});

describe('verifySignature: what must be signed', () => {
  it('refuses a request whose SignedHeaders leave out host', async () => {
    const request = await sdkSigned({
      path: INVOKE_PATH,
      body: '{}',
      unsignableHeaders: new Set(['host']),
    });
    expect(request.rawHeaders.join('\n')).toMatch(/SignedHeaders=x-amz-content-sha256;x-amz-date,/);
    expect(verifySignature(request, rootKeys, NOW).ok).toBe(false);
  });

  it('refuses a request whose SignedHeaders leave out an x-amz-target it carries', async () => {
    const headers = {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'Logs_20140328.DescribeLogGroups',
    };
    const signed = await sdkSigned({ path: '/', service: 'logs', headers, body: '{}' });
    expect(verifySignature(signed, rootKeys, NOW).ok).toBe(true);
    const unsigned = await sdkSigned({
      path: '/',
      service: 'logs',
      headers,
      body: '{}',
      unsignableHeaders: new Set(['x-amz-target']),
    });
    expect(verifySignature(unsigned, rootKeys, NOW).ok).toBe(false);
  });

  it('refuses a request whose SignedHeaders leave out its x-amz-date', async () => {
    const request = await sdkSigned({
      path: INVOKE_PATH,
      body: '{}',
      unsignableHeaders: new Set(['x-amz-date']),
    });
    expect(verifySignature(request, rootKeys, NOW).ok).toBe(false);
  });

  it('refuses a security token added after signing (post-sts-token/post-sts-header-after)', () => {
    // The suite's request: signed without the token, which is then added.
    const request = parseRequest(
      vector(
        ['POST / HTTP/1.1', HOST, DATE, `X-Amz-Security-Token:${STS_TOKEN}`],
        'host;x-amz-date',
        '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b',
      ),
    );
    expect(verifySignature(request, exampleKeys, SUITE_DATE).ok).toBe(false);
  });

  it('refuses UNSIGNED-PAYLOAD: the body is always part of what is signed', async () => {
    const request = await sdkSigned({
      path: INVOKE_PATH,
      headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      body: '{"amount":1}',
    });
    expect(request.rawHeaders.join('\n')).toMatch(/x-amz-content-sha256/);
    expect(verifySignature(request, rootKeys, NOW).ok).toBe(false);
  });
});
