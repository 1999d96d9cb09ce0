// {{name}}: a function for plain events: invoked directly, or by a queue, a schedule or a
// workflow. The event's type says what callers send; the return value is the answer.

export interface GreetingEvent {
  readonly name?: string;
  readonly language?: 'en' | 'fr' | 'de';
}

export interface Greeting {
  readonly message: string;
}

const GREETINGS = { en: 'Hello', fr: 'Bonjour', de: 'Hallo' } as const;

export const handler = async (event: GreetingEvent): Promise<Greeting> => {
  const greeting = GREETINGS[event?.language ?? 'en'] ?? GREETINGS.en;
  return { message: `${greeting}, ${event?.name ?? 'world'}!` };
};
