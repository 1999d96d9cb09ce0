// Whether AWS's sample events are beside the clone (../shared/fixtures/aws-events), and what
// a run does without them: a clone with nothing beside it skips their tests and says so; CI
// (`CI` set) must have them, so there their absence fails the run instead of thinning it.
import { existsSync } from 'node:fs';
import { awsEventsDir } from './paths.js';

export const awsEventsFound = existsSync(awsEventsDir);

/** Why the sample-event tests did not run, or undefined when they can. */
export function awsEventsMissingNote(): string | undefined {
  if (awsEventsFound) return undefined;
  return `AWS sample events not found at ${awsEventsDir}: the tests that read them are skipped`;
}

/** CI fails without the sample events rather than passing with fewer tests. */
export function awsEventsRequired(): boolean {
  return !awsEventsFound && !!process.env.CI;
}
