// A pause between polls and retries that the operation's signal cuts short (ABORTED).
import { setTimeout as sleep } from 'node:timers/promises';
import { abortedBy } from './errors.js';

export async function delay(ms: number, signal: AbortSignal | undefined, what: string) {
  try {
    await sleep(ms, undefined, signal ? { signal } : {});
  } catch (error) {
    throw abortedBy(error, signal, what) ?? error;
  }
}
