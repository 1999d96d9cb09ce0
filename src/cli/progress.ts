// The core's events as lines on stderr: what is being done, never the data a command reports
// (that goes to stdout). Repeats are left out: a push prints each layer once per status, a
// wait once per state, and AWS calls and build output only with --verbose.
import type { LambdashEvent } from '../core/common/events.js';
import { formatBytes, formatSeconds, shortId } from './format.js';

export interface ProgressOptions {
  readonly verbose?: boolean;
}

/** Turns events into lines, remembering what it said so it does not say it twice. */
export class ProgressLines {
  readonly #seen = new Map<string, string>();

  constructor(private readonly options: ProgressOptions = {}) {}

  /** The line for an event, or undefined when it adds nothing. */
  lineFor(event: LambdashEvent): string | undefined {
    const verbose = this.options.verbose ?? false;
    switch (event.type) {
      case 'build.step':
        return `build: [${event.step}/${event.total}] ${event.text}`;
      case 'build.log':
        return verbose ? `build: ${event.text.trimEnd()}` : undefined;
      case 'bundle.done':
        return `bundle: ${formatBytes(event.bytes)} from ${event.files} file${event.files === 1 ? '' : 's'} in ${event.ms} ms`;
      case 'base.build':
        return `base image ${event.image}: ${event.text.trimEnd()}`;
      case 'git.clone':
        return `git: ${event.url}${event.ref ? `#${event.ref}` : ''}`;
      case 'npm.install':
        return `npm: ${event.command} in ${event.dir}`;
      case 'image.built':
        return `built ${event.tag} (${shortId(event.id)}, ${formatBytes(event.size)})`;
      case 'image.test':
        return `test ${event.passed ? 'passed' : 'FAILED'} in ${formatSeconds(event.seconds)}`;
      case 'container.start':
        return verbose
          ? `container ${shortId(event.id)} starting on port ${event.port}`
          : undefined;
      case 'container.ready':
        return verbose ? `container ${shortId(event.id)} ready in ${event.ms} ms` : undefined;
      case 'warmup.done':
        return `warm-up: ${formatBytes(event.cacheBytes)} of compiled code kept (${event.ms} ms)`;
      case 'aws.target':
        return event.kind === 'aws'
          ? `target: AWS account ${event.accountId}, ${event.region}${event.endpoint ? ` at ${event.endpoint}` : ''}`
          : `target: local cloud at ${event.endpoint}${event.started ? ' (started for this command)' : ''}`;
      case 'aws.call':
        return verbose ? `aws: ${event.service} ${event.operation}` : undefined;
      case 'push.progress':
        return this.#once(
          `push ${event.layer}`,
          event.status,
          () =>
            `push: layer ${event.layer.slice(0, 12)} ${event.status}${event.total ? ` (${formatBytes(event.total)})` : ''}`,
        );
      case 'wait':
        return this.#once(
          `wait ${event.what}`,
          event.state,
          () =>
            `waiting for ${event.what}: ${event.state}${event.seconds ? ` (${Math.round(event.seconds)} s)` : ''}`,
        );
      case 'retry':
        return `retrying ${event.what} in ${formatSeconds(event.delayMs / 1000)} (attempt ${event.attempt}): ${event.reason}`;
      default:
        return undefined;
    }
  }

  /** The line the first time `key` reaches `value`, undefined after. */
  #once(key: string, value: string, line: () => string): string | undefined {
    if (this.#seen.get(key) === value) return undefined;
    this.#seen.set(key, value);
    return line();
  }
}
