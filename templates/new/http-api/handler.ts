// {{name}}: an HTTP API behind API Gateway (an HTTP API or a REST API), a function URL or an
// ALB. It reads the request from the event as AWS sends it and answers with a whole HTTP
// response, so it runs the same under AWS's Node.js runtime and under lambdash's.
//
// Optional, with lambdash's runtime only (see docs/runtime.md): `context.request` holds the
// request already read for every HTTP source (method, path, decoded query, headers, parsed
// body), a plain return value is sent as a 200 JSON response, and an error thrown with a
// `statusCode` and `expose: true` answers with that status. AWS's runtime has none of these.

/** The parts of the event this handler reads, as each HTTP source sends them. */
interface HttpEvent {
  /** REST APIs and ALB (payload format 1.0). */
  readonly httpMethod?: string;
  readonly requestContext?: {
    /** HTTP APIs and function URLs (payload format 2.0). */
    readonly http?: { readonly method: string };
    /** Present when an ALB sent the event. */
    readonly elb?: unknown;
  };
  readonly queryStringParameters?: Readonly<Record<string, string | undefined>> | null;
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
}

interface HttpResponse {
  readonly statusCode: number;
  readonly statusDescription?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly isBase64Encoded: boolean;
}

export interface Greeting {
  readonly message: string;
}

/** GET /hello?name=Ada, or POST /hello with {"name": "Ada"}. */
export const handler = async (event: HttpEvent): Promise<HttpResponse> => {
  const method = event.requestContext?.http?.method ?? event.httpMethod;
  let name: unknown;
  if (method === 'GET') name = queryValue(event, 'name');
  else if (method === 'POST') {
    const body = jsonBody(event);
    if (!body.ok) return respond(event, 400, { message: 'The body must be JSON' });
    name = (body.value as { name?: unknown } | null)?.name;
  } else if (method) return respond(event, 405, { message: `${method} is not allowed` });
  else return respond(event, 400, { message: 'Call me over HTTP' });
  if (name !== undefined && typeof name !== 'string') {
    return respond(event, 400, { message: 'name must be a string' });
  }
  const greeting: Greeting = { message: `Hello, ${name ?? 'world'}!` };
  return respond(event, 200, greeting);
};

/** A query parameter: API Gateway and function URLs decode it, an ALB passes it as it came. */
function queryValue(event: HttpEvent, key: string): string | undefined {
  const value = event.queryStringParameters?.[key] ?? undefined;
  if (value === undefined || !event.requestContext?.elb) return value;
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

function jsonBody(event: HttpEvent): { ok: true; value: unknown } | { ok: false } {
  if (!event.body) return { ok: true, value: null };
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString() : event.body;
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: 'OK',
  400: 'Bad Request',
  405: 'Method Not Allowed',
};

/** A JSON response; an ALB also wants its status line. */
function respond(event: HttpEvent, statusCode: number, value: unknown): HttpResponse {
  return {
    statusCode,
    ...(event.requestContext?.elb
      ? { statusDescription: `${statusCode} ${STATUS_TEXT[statusCode] ?? ''}`.trim() }
      : {}),
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(value),
    isBase64Encoded: false,
  };
}
