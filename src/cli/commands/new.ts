// `lambdash new <name>`: a responder scaffolded from templates/new/<template>/ into a folder
// of the project, and its entry added to lambdash.json (which is created when there is none).
// Everything is checked before a file is written; if the entry cannot be added, the files
// written go again.
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import {
  addResponder,
  escapeControlCharacters,
  initProject,
  LambdashError,
  PROJECT_FILE_NAME,
  type Project,
  RESPONDER_NAME,
  templatesDir,
} from '../../core/internal.js';
import type { CommandKit } from '../command.js';

export const TEMPLATES = {
  event: {
    entry: 'handler.ts',
    title: 'TypeScript, plain events (direct invocations, queues, schedules)',
    invoke: `'{"name": "Ada"}'`,
  },
  'http-api': {
    entry: 'handler.ts',
    title: 'TypeScript, an HTTP API (API Gateway, function URL, ALB)',
    invoke: '--event function-url',
  },
  javascript: {
    entry: 'handler.mjs',
    title: 'JavaScript (an ES module), plain events',
    invoke: `'{"name": "Ada"}'`,
  },
} as const;
export type TemplateName = keyof typeof TEMPLATES;

export interface NewResult {
  readonly name: string;
  readonly template: TemplateName;
  readonly dir: string;
  readonly files: string[];
  readonly projectFile: string;
  readonly projectCreated: boolean;
}

export function registerNew(program: Command, kit: CommandKit): void {
  program
    .command('new')
    .description('scaffold a responder from a template and add it to lambdash.json')
    .argument('<name>', 'its name: names the image, the ECR repository and the function')
    .addOption(
      new Option('-t, --template <template>', 'what to start from')
        .choices(Object.keys(TEMPLATES))
        .default('event'),
    )
    .option('--dir <folder>', 'where its files go (default: <project folder>/<name>)')
    .addHelpText(
      'after',
      `\nTemplates:\n${Object.entries(TEMPLATES)
        .map(([name, t]) => `  ${name.padEnd(11)} ${t.title}`)
        .join(
          '\n',
        )}\n\nExample:\n  lambdash new hello && lambdash build hello && lambdash test hello`,
    )
    .action(
      kit.action(async (ctx, [name], options) => {
        const result = await scaffold(
          ctx.projectDir(),
          String(name),
          options.template as TemplateName,
          options.dir as string | undefined,
          await ctx.project(),
        );
        ctx.result(result, (r) => [
          `created ${r.files.map((file) => path.relative(process.cwd(), file) || file).join(', ')}`,
          `${r.projectCreated ? 'created' : 'updated'} ${path.relative(process.cwd(), r.projectFile) || r.projectFile}`,
          '',
          'Next:',
          `  lambdash build ${r.name}    # its container image, tested with its test-data.json`,
          `  lambdash deploy ${r.name}   # pushed to ECR and run as a Lambda function, tested again`,
          `  lambdash invoke ${r.name} ${TEMPLATES[r.template].invoke}`,
        ]);
      }),
    );
}

async function scaffold(
  projectDir: string,
  name: string,
  template: TemplateName,
  dirOption: string | undefined,
  existing: Project | undefined,
): Promise<NewResult> {
  if (!RESPONDER_NAME.test(name)) {
    throw new LambdashError(
      'INVALID_NAME',
      `"${escapeControlCharacters(name)}" cannot name a responder.`,
      'Use 2 to 64 lower-case letters and digits, with "-" or "_" between them (it names the image, the ECR repository and the Lambda function), such as "orders-api".',
    );
  }
  const projectDirOf = existing?.dir ?? projectDir;
  if (existing?.responders.some((r) => r.name === name)) {
    throw new LambdashError(
      'INVALID_OPTION',
      `The project already has a responder named "${name}".`,
      'Choose another name.',
    );
  }
  const dir = path.resolve(dirOption ?? path.join(projectDirOf, name));
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new LambdashError(
      'INVALID_OPTION',
      `${dir} already exists and is not empty.`,
      'Choose another name, or another folder with --dir.',
    );
  }
  const relative = path.relative(projectDirOf, dir).split(path.sep).join('/');
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new LambdashError(
      'INVALID_OPTION',
      `${dir} is outside the project folder ${projectDirOf}.`,
      'Put the responder inside the project folder.',
    );
  }

  const source = path.join(templatesDir, 'new', template);
  const createdDir = !existsSync(dir);
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  const projectCreated = !existing && !existsSync(path.join(projectDirOf, PROJECT_FILE_NAME));
  try {
    for (const file of readdirSync(source)) {
      const text = await readFile(path.join(source, file), 'utf8');
      const target = path.join(dir, file);
      await writeFile(target, text.replaceAll('{{name}}', name), { flag: 'wx' });
      files.push(target);
    }
    const project = existing ?? (await initProject(projectDirOf));
    const prefix = relative ? `${relative}/` : '';
    await addResponder(project, {
      name,
      source: `${prefix}${TEMPLATES[template].entry}`,
      testData: `${prefix}test-data.json`,
    });
    return { name, template, dir, files, projectFile: project.file, projectCreated };
  } catch (error) {
    // Nothing half-made stays behind: the files (and the folder, if this made it) go again.
    await Promise.all(files.map((file) => rm(file, { force: true })));
    if (createdDir) await rm(dir, { recursive: true, force: true });
    if (projectCreated) await rm(path.join(projectDirOf, PROJECT_FILE_NAME), { force: true });
    throw error;
  }
}
