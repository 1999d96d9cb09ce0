// {{name}}: an HTTP API (API Gateway HTTP API, a function URL or an ALB in front).
// lambdash's runtime hands the handler the request, normalised, as `context.request`, and
// sends a plain return value as a 200 JSON response; throw an error with a `statusCode` and
// `expose: true` to answer with that status.

/** The parts of the request this handler reads (the runtime gives more: see docs/runtime.md). */
interface Request {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
}

interface Context {
  readonly awsRequestId: string;
  readonly request?: Request;
}

export interface Greeting {
  readonly message: string;
}

class ClientError extends Error {
  readonly expose = true;
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** GET /hello?name=Ada, or POST /hello with {"name": "Ada"}. */
export const handler = async (_event: unknown, context: Context): Promise<Greeting> => {
  const request = context.request;
  if (!request) throw new ClientError(400, 'Call me over HTTP');
  let name: unknown;
  if (request.method === 'GET') name = request.query.name;
  else if (request.method === 'POST') name = (request.body as { name?: unknown } | null)?.name;
  else throw new ClientError(405, `${request.method} is not allowed`);
  if (name !== undefined && typeof name !== 'string') {
    throw new ClientError(400, 'name must be a string');
  }
  return { message: `Hello, ${name ?? 'world'}!` };
};
