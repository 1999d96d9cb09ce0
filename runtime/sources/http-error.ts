// An error a handler throws to answer an HTTP source with a chosen status. Any error with a
// numeric `statusCode` (or `status`) from 400 to 599 is honoured the same way, reading
// `expose`, `headers` and `details` from the error itself: errors from libraries such as
// http-errors work unchanged, and so does a copy of this class bundled into the user's code.

export interface HttpErrorOptions {
  headers?: Record<string, string>;
  /** Show the message to the client; by default only for 4xx. */
  expose?: boolean;
  /** Sent with the message when exposed, e.g. validation issues. */
  details?: unknown;
}

export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly headers: Record<string, string>;
  readonly expose: boolean;
  readonly details: unknown;

  constructor(
    readonly statusCode: number,
    message: string,
    options: HttpErrorOptions = {},
  ) {
    super(message);
    this.headers = options.headers ?? {};
    this.expose = options.expose ?? statusCode < 500;
    this.details = options.details;
  }
}

export interface HttpErrorView {
  readonly statusCode: number;
  /** Whether the message may be shown to the client: by default only for 4xx. */
  readonly expose: boolean;
  readonly headers: Record<string, string>;
  readonly details: unknown;
}

export function httpErrorView(error: unknown): HttpErrorView | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = error as {
    statusCode?: unknown;
    status?: unknown;
    expose?: unknown;
    headers?: unknown;
    details?: unknown;
  };
  const status = typeof candidate.statusCode === 'number' ? candidate.statusCode : candidate.status;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) {
    return undefined;
  }
  const expose = typeof candidate.expose === 'boolean' ? candidate.expose : status < 500;
  return {
    statusCode: status,
    expose,
    headers: stringHeaders(candidate.headers),
    details: candidate.details,
  };
}

function stringHeaders(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof value !== 'object' || value === null) return out;
  for (const [name, v] of Object.entries(value)) if (typeof v === 'string') out[name] = v;
  return out;
}
