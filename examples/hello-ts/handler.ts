// A TypeScript hello handler: the event's type says what callers send.
export interface HelloEvent {
  readonly name?: string;
  readonly language?: 'en' | 'fr' | 'de';
}

export interface HelloResult {
  readonly message: string;
  readonly requestId: string;
}

/** The part of the Lambda context this handler uses. */
interface Context {
  readonly awsRequestId: string;
}

const GREETINGS: Record<NonNullable<HelloEvent['language']>, string> = {
  en: 'Hello',
  fr: 'Bonjour',
  de: 'Hallo',
};

export const handler = async (event: HelloEvent, context: Context): Promise<HelloResult> => {
  const greeting = GREETINGS[event.language ?? 'en'] ?? GREETINGS.en;
  return { message: `${greeting}, ${event.name ?? 'world'}!`, requestId: context.awsRequestId };
};
