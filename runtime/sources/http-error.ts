// An error a handler throws to answer an HTTP source with a chosen status. Any error with a
// numeric `statusCode` (or `status`) from 400 to 599 is honoured the same way, so errors
// from libraries such as http-errors work unchanged.

export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly statusCode: number,
    message: string,
    readonly options: {
      headers?: Record<string, string>;
      expose?: boolean;
      details?: unknown;
    } = {},
  ) {
    super(message);
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
  const candidate = error as { statusCode?: unknown; status?: unknown; expose?: unknown };
  const status = typeof candidate.statusCode === 'number' ? candidate.statusCode : candidate.status;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) {
    return undefined;
  }
  const options = error instanceof HttpError ? error.options : {};
  const expose =
    typeof candidate.expose === 'boolean' ? candidate.expose : (options.expose ?? status < 500);
  return { statusCode: status, expose, headers: options.headers ?? {}, details: options.details };
}
