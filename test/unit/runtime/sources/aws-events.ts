import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { awsEventsDir } from '../../../support/paths.js';

/** A fresh copy of one AWS sample event (by file name without `.json`), safe to modify. */
export function loadAwsEvent(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(awsEventsDir, `${name}.json`), 'utf8'));
}
