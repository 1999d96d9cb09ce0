// The build settings of a project responder: "externals" (packages kept out of the bundle, which
// reach the responder's options) and "typecheck" (false builds without the type check), read,
// checked with line and column, and written by addResponder.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  addResponder,
  getResponderOf,
  initProject,
  ProjectFileError,
  parseProject,
  readProject,
} from '../../../src/core/project/project.js';
import { makeTempDir, removeTempDirs } from '../../support/temp-tree.js';

afterAll(removeTempDirs);

const FILE = '/work/app/lambdash.json';

function problemsOf(text: string): string[] {
  try {
    parseProject(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(ProjectFileError);
    return (error as ProjectFileError).problems.map((p) => `${p.line}:${p.column}: ${p.message}`);
  }
  return [];
}

describe('externals and typecheck in lambdash.json', () => {
  it('reads them, and leaves them out when not given', () => {
    const project = parseProject(
      JSON.stringify({
        responders: [
          {
            name: 'thumbs',
            source: 'thumbs.ts',
            externals: ['sharp', '@aws-sdk/client-s3'],
            typecheck: false,
          },
          { name: 'plain', source: 'plain.ts' },
        ],
      }),
      FILE,
    );
    expect(project.responders[0]).toMatchObject({
      externals: ['sharp', '@aws-sdk/client-s3'],
      typecheck: false,
    });
    expect(project.responders[1]).not.toHaveProperty('externals');
    expect(project.responders[1]).not.toHaveProperty('typecheck');
  });

  it('reports every bad value where it is', () => {
    const text = [
      '{',
      '  "responders": [',
      '    {',
      '      "name": "ab",',
      '      "source": "a.ts",',
      '      "externals": ["sharp", "Sharp", 3, "sharp"],',
      '      "typecheck": "no"',
      '    },',
      '    { "name": "cd", "source": "c.ts", "externals": "sharp", "typecheck": 0 },',
      '    { "name": "ef", "source": "e.ts", "external": [] }',
      '  ]',
      '}',
    ].join('\n');
    expect(problemsOf(text)).toEqual([
      '6:30: responders[0].externals[1] "Sharp" is not an npm package name (such as "sharp" or "@aws-sdk/client-s3")',
      '6:39: responders[0].externals[2] must be a string, not 3',
      '6:42: responders[0].externals[3] "sharp" is given twice',
      '7:20: responders[0].typecheck must be true or false (false builds without the type check), not "no"',
      '9:52: responders[1].externals must be a list of npm package names, such as ["sharp"]',
      '9:74: responders[1].typecheck must be true or false (false builds without the type check), not 0',
      '10:39: responders[2]: unknown property "external" (did you mean "externals"?)',
    ]);
  });

  it("passes externals on to the responder's options", async () => {
    const dir = makeTempDir();
    writeFileSync(path.join(dir, 'thumbs.mjs'), 'export const handler = () => 1;\n');
    writeFileSync(
      path.join(dir, 'lambdash.json'),
      JSON.stringify({
        responders: [
          { name: 'thumbs', source: 'thumbs.mjs', externals: ['sharp', 'left-pad'] },
          { name: 'plain', source: 'thumbs.mjs' },
        ],
      }),
    );
    const project = await readProject(path.join(dir, 'lambdash.json'));
    const [thumbs, plain] = project.responders;
    // Sorted, as the options are, so equal settings hash equally.
    expect((await getResponderOf(project, thumbs!)).options.externals).toEqual([
      'left-pad',
      'sharp',
    ]);
    expect((await getResponderOf(project, plain!)).options.externals).toBeUndefined();
  });

  it('addResponder writes them, leaving out typecheck when it is on', async () => {
    const project = await initProject(makeTempDir());
    await addResponder(project, {
      name: 'thumbs',
      source: 'thumbs.ts',
      externals: ['sharp'],
      typecheck: false,
    });
    await addResponder(project, { name: 'plain', source: 'plain.ts', typecheck: true });
    expect(JSON.parse(readFileSync(project.file, 'utf8'))).toEqual({
      responders: [
        { name: 'thumbs', source: 'thumbs.ts', externals: ['sharp'], typecheck: false },
        { name: 'plain', source: 'plain.ts' },
      ],
    });
  });
});
