// The one place an event is put into words, in the spirit of AWS CDK's toolkit messages: every
// listener (the command line's progress lines, the app's command log, a script) says the same
// thing at the same level. The switch is exhaustive on purpose: a new event type does not
// compile until it is described here.
import type { LambdashEvent } from './events.js';
import { formatBytes, formatSeconds, shortId } from './format.js';

/** How much an event matters: `debug` only for a closer look (--verbose, the app's log). */
export type EventLevel = 'debug' | 'info' | 'success' | 'warning' | 'error';

export interface EventDescription {
  readonly level: EventLevel;
  /** One line fit for a person; what the caller gave (paths, output) is quoted unescaped. */
  readonly message: string;
  /**
   * Set on events that report one thing's state again and again (a layer's push, a wait):
   * the thing (`of`) and its state now (`is`), so a listener can say each state once
   * (`StateRepeats`).
   */
  readonly state?: { readonly of: string; readonly is: string };
  /**
   * Set on events that say where the work is now: a few words for a progress line (the app's
   * `⟳ build hello ███░░ step 3/6 bundling`), where the message would not fit.
   */
  readonly short?: string;
}

export function describeEvent(event: LambdashEvent): EventDescription {
  switch (event.type) {
    case 'build.step':
      return {
        ...info(`build: [${event.step}/${event.total}] ${event.text}`),
        short: `step ${event.step}/${event.total} ${event.text}`,
      };
    case 'build.log':
      return debug(`build: ${event.text.trimEnd()}`);
    case 'bundle.done':
      return info(
        `bundle: ${formatBytes(event.bytes)} from ${event.files} file${event.files === 1 ? '' : 's'} in ${event.ms} ms`,
      );
    case 'base.build':
      return {
        ...info(`base image ${event.image}: ${event.text.trimEnd()}`),
        short: `base image: ${event.text.trimEnd()}`,
      };
    case 'git.clone':
      return info(`git: ${event.url}${event.ref ? `#${event.ref}` : ''}`);
    case 'npm.install':
      return { ...info(`npm: ${event.command} in ${event.dir}`), short: 'installing packages' };
    case 'image.built':
      return {
        level: 'success',
        message: `built ${event.tag} (${shortId(event.id)}, ${formatBytes(event.size)})`,
        short: `built ${formatBytes(event.size)}`,
      };
    case 'image.test':
      return event.passed
        ? {
            level: 'success',
            message: `test passed in ${formatSeconds(event.seconds)}`,
            short: 'test passed',
          }
        : {
            level: 'error',
            message: `test FAILED in ${formatSeconds(event.seconds)}`,
            short: 'test failed',
          };
    case 'container.start':
      return {
        ...debug(`container ${shortId(event.id)} starting on port ${event.port}`),
        short: 'starting a container',
      };
    case 'container.ready':
      return debug(`container ${shortId(event.id)} ready in ${event.ms} ms`);
    case 'warmup.done':
      return info(
        `warm-up: ${formatBytes(event.cacheBytes)} of compiled code kept (${event.ms} ms)`,
      );
    case 'aws.target':
      return info(
        event.kind === 'aws'
          ? `target: AWS account ${event.accountId}, ${event.region}${event.endpoint ? ` at ${event.endpoint}` : ''}`
          : `target: local cloud at ${event.endpoint}${event.started ? ' (started for this command)' : ''}`,
      );
    case 'aws.call':
      return debug(`aws: ${event.service} ${event.operation}`);
    case 'push.progress':
      return {
        level: 'info',
        message: `push: layer ${event.layer.slice(0, 12)} ${event.status}${event.total ? ` (${formatBytes(event.total)})` : ''}`,
        state: { of: `push ${event.layer}`, is: event.status },
        short: `pushing: ${event.status}`,
      };
    case 'wait':
      return {
        level: 'info',
        message: `waiting for ${event.what}: ${event.state}${event.seconds ? ` (${Math.round(event.seconds)} s)` : ''}`,
        state: { of: `wait ${event.what}`, is: event.state },
        short: `waiting for ${event.what}: ${event.state} ${Math.round(event.seconds)}s`,
      };
    case 'retry':
      return {
        level: 'warning',
        message: `retrying ${event.what} in ${formatSeconds(event.delayMs / 1000)} (attempt ${event.attempt}): ${event.reason}`,
        short: `retrying ${event.what} (attempt ${event.attempt})`,
      };
  }
  return unknownEvent(event);
}

/** Fails to compile when a type of the union has no case above (no `default:` hides one). */
function unknownEvent(event: never): never {
  throw new Error(`No words for the event ${JSON.stringify(event)}.`);
}

function info(message: string): EventDescription {
  return { level: 'info', message };
}

function debug(message: string): EventDescription {
  return { level: 'debug', message };
}
