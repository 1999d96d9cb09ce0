// An error a handler throws to answer an HTTP source with a chosen status. Only errors meant
// for the client choose the response: an HttpError (also a copy of this class bundled into
// the user's code, known by its brand) or an error with a boolean `expose`, as http-errors
// makes them. A library error that merely carries an upstream status (stripe-node's
// StripeError has a statusCode and the upstream's headers) is a 500 like any other error,
// and headers are only ever taken from HttpErrors.

/** Shared by every copy of this module, so that a bundled HttpError is still recognised. */
const BRAND = Symbol.for('dev.lambdash.httpError');

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
// On the prototype: subclasses are branded too, and the brand never shows in logs or JSON.
Object.defineProperty(HttpError.prototype, BRAND, { value: true });

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
    [BRAND]?: unknown;
  };
  const branded = error instanceof HttpError || candidate[BRAND] === true;
  if (!branded && typeof candidate.expose !== 'boolean') return undefined;
  const status = typeof candidate.statusCode === 'number' ? candidate.statusCode : candidate.status;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) {
    return undefined;
  }
  const expose = typeof candidate.expose === 'boolean' ? candidate.expose : status < 500;
  return {
    statusCode: status,
    expose,
    headers: branded ? stringHeaders(candidate.headers) : {},
    details: candidate.details,
  };
}

function stringHeaders(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof value !== 'object' || value === null) return out;
  for (const [name, v] of Object.entries(value)) if (typeof v === 'string') out[name] = v;
  return out;
}
