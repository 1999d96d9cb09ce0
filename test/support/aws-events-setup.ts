// Vitest global setup: one visible line when AWS's sample events are not beside the clone (their
// tests then skip, see describeAwsEvents), and a failed run when that happens under CI.

import { awsEventsMissingNote, awsEventsRequired } from './aws-events-found.js';
import { awsEventsDir } from './paths.js';

export default function setup(): void {
  if (awsEventsRequired()) {
    throw new Error(
      `CI needs AWS's sample events at ${awsEventsDir} (../shared/fixtures/aws-events beside the clone)`,
    );
  }
  const note = awsEventsMissingNote();
  if (note) console.warn(`note: ${note}`);
}
