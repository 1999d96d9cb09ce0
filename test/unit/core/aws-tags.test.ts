import { describe, expect, it } from 'vitest';
import {
  resourceTags,
  tagChanges,
  taggableLabels,
  withImageLabels,
} from '../../../src/core/aws/aws-tags.js';
import { LABELS } from '../../../src/core/common/labels.js';
import { failure } from '../../support/images.js';

const refusal = (run: () => unknown) => failure(Promise.resolve().then(run));

describe('resourceTags', () => {
  it('merges lineage tags and user labels', async () => {
    expect(resourceTags({ 'dev.lambdash.generated': 'true' }, { team: 'orders' })).toEqual({
      team: 'orders',
      'dev.lambdash.generated': 'true',
    });
  });

  it("refuses user labels under lambdash's prefix", async () => {
    expect((await refusal(() => resourceTags({}, { 'dev.lambdash.name': 'x' }))).message).toContain(
      "lambdash's own prefix",
    );
  });

  it('refuses values over 256 characters, which Docker labels allow and AWS tags do not', async () => {
    const error = await refusal(() => resourceTags({}, { note: 'x'.repeat(257) }));
    expect(error.code).toBe('INVALID_LABEL');
    expect(error.message).toBe(
      'The value of "note" is longer than the 256 characters AWS allows in a tag.',
    );
    expect(resourceTags({}, { note: 'x'.repeat(256) }).note).toHaveLength(256);
  });

  it('refuses aws: keys and more than 50 tags', async () => {
    expect((await refusal(() => resourceTags({ 'aws:x': 'y' }))).message).toBe(
      '"aws:x" cannot be an AWS tag key.',
    );
    const many = Object.fromEntries(Array.from({ length: 46 }, (_, i) => [`label${i}`, 'v']));
    const lineage = Object.fromEntries(
      Array.from({ length: 5 }, (_, i) => [`dev.lambdash.k${i}`, 'v']),
    );
    const error = await refusal(() => resourceTags(lineage, many));
    expect(error.message).toBe('51 tags are more than the 50 AWS allows on a resource.');
    expect(error.hint).toBe('Give fewer labels of your own: lambdash adds 5 of its own.');
  });
});

describe('taggableLabels', () => {
  it('keeps the labels AWS can hold as tags and leaves the others out', () => {
    expect(
      taggableLabels({
        Maintainer: 'Ada',
        team: 'orders',
        note: 'n'.repeat(257),
        'aws:owner': 'x',
        ['k'.repeat(129)]: 'v',
      }),
    ).toEqual({ Maintainer: 'Ada', team: 'orders' });
  });
});

describe('withImageLabels', () => {
  it("puts the image's user labels beneath the tags given, leaving its lineage and what AWS refuses out", () => {
    const image = {
      team: 'orders',
      Maintainer: 'Ada',
      note: 'n'.repeat(257),
      [LABELS.hash]: 'of-another-push',
    };
    expect(withImageLabels({ team: 'payments', [LABELS.generated]: 'true' }, image)).toEqual({
      team: 'payments',
      Maintainer: 'Ada',
      [LABELS.generated]: 'true',
    });
  });

  it('checks the merged set against AWS’s limit of 50 tags', async () => {
    const many = Object.fromEntries(Array.from({ length: 45 }, (_, i) => [`k${i}`, 'v']));
    const given = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`g${i}`, 'v']));
    expect((await refusal(() => withImageLabels(given, many))).message).toMatch(/more than the 50/);
  });
});

describe('tagChanges', () => {
  const have = {
    team: 'core',
    console: 'made there',
    'dev.lambdash.generated': 'true',
    'dev.lambdash.hash': 'old',
    'dev.lambdash.options': '{"minify":true}',
  };

  it('sets what differs and, replacing the lineage, removes lambdash’s tags no longer wanted but its mark', () => {
    expect(tagChanges(have, { team: 'api', 'dev.lambdash.hash': 'new' }, true)).toEqual({
      set: { team: 'api', 'dev.lambdash.hash': 'new' },
      remove: ['dev.lambdash.options'],
    });
  });

  it('removes nothing when the lineage is not replaced, and changes nothing that is right', () => {
    expect(tagChanges(have, { team: 'api' }, false)).toEqual({ set: { team: 'api' }, remove: [] });
    expect(tagChanges(have, have, true)).toEqual({ set: {}, remove: [] });
  });
});
