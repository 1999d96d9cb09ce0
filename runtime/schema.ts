// Typed input through the Standard Schema interface (https://standardschema.dev), which
// zod, valibot, arktype and others implement: no validation library is bundled here.

interface StandardIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }>;
}

type StandardResult =
  | { readonly value: unknown; readonly issues?: undefined }
  | { readonly issues: readonly StandardIssue[] };

export interface StandardSchema {
  readonly '~standard': {
    readonly version: 1;
    readonly validate: (value: unknown) => StandardResult | Promise<StandardResult>;
  };
}

export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

export class EventValidationError extends Error {
  override readonly name = 'EventValidationError';
  constructor(readonly issues: readonly ValidationIssue[]) {
    super(
      `The event does not match the handler's schema: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`,
    );
  }
}

export function isStandardSchema(value: unknown): value is StandardSchema {
  const standard = (value as { '~standard'?: { validate?: unknown } } | null | undefined)?.[
    '~standard'
  ];
  return (
    typeof standard === 'object' && standard !== null && typeof standard.validate === 'function'
  );
}

/** Validates and returns the schema's output value (schemas may transform their input). */
export async function validateWithSchema(schema: StandardSchema, value: unknown): Promise<unknown> {
  const result = await schema['~standard'].validate(value);
  if (result.issues) {
    throw new EventValidationError(
      result.issues.map((issue) => ({
        path: (issue.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p)).join('.'),
        message: issue.message,
      })),
    );
  }
  return result.value;
}
