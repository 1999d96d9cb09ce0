// The command line and the terminal app import the core through its entries
// (src/core/index.ts and internal.ts, which re-export the modules). esbuild's code splitting
// puts a re-exporting module and everything it names into every chunk that imports it, so the
// app's first frame would wait for the AWS SDK and dockerode. Bundling therefore reads the
// entries and points each import of them at the modules that define the names it uses.
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const ENTRY = /\/core\/(index|internal)\.js$/;
const NAMED = /export\s+(type\s+)?\{([^}]*)\}\s+from\s+'([^']+)';/g;
const STAR = /export\s+\*\s+from\s+'([^']+)';/g;
const IMPORT = /(import|export)\s+(type\s+)?\{([^}]*)\}\s+from\s+'([^']+)';/g;

/**
 * name → the module that defines it (absolute) and its name there (`export { a as b }`),
 * through the entries' re-exports.
 */
async function definitions(entryFile, found = new Map()) {
  const text = await readFile(entryFile, 'utf8');
  const dir = path.dirname(entryFile);
  if (/export\s+\*\s+as\s/.test(text)) throw new Error(`${entryFile}: export * as is not followed`);
  for (const [, , names, from] of text.matchAll(NAMED)) {
    for (const name of specifiers(names)) {
      if (name.typeOnly) continue;
      const module = path.resolve(dir, from).replace(/\.js$/, '.ts');
      found.set(name.exported, { module, name: name.local });
    }
  }
  for (const [, from] of text.matchAll(STAR)) {
    await definitions(path.resolve(dir, from).replace(/\.js$/, '.ts'), found);
  }
  return found;
}

/** `a`, `type B`, `c as d` → what each names (type-only ones are erased by the bundler anyway). */
function specifiers(list) {
  return list
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const typeOnly = part.startsWith('type ');
      const [local, alias] = part.replace(/^type\s+/, '').split(/\s+as\s+/);
      return { typeOnly, local, exported: alias ?? local };
    });
}

export const coreEntryImports = {
  name: 'core-entry-imports',
  setup(build) {
    const defined = new Map();
    const lookup = (entryFile) => {
      if (!defined.has(entryFile)) defined.set(entryFile, definitions(entryFile));
      return defined.get(entryFile);
    };
    build.onLoad({ filter: /[\\/]src[\\/](cli|tui)[\\/].*\.tsx?$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      let rewritten = source;
      for (const match of source.matchAll(IMPORT)) {
        const [statement, keyword, typeOnly, names, from] = match;
        if (!ENTRY.test(from)) continue;
        if (typeOnly) {
          rewritten = rewritten.replace(statement, '');
          continue;
        }
        const entryFile = path.resolve(path.dirname(args.path), from).replace(/\.js$/, '.ts');
        const modules = await lookup(entryFile);
        const byModule = new Map();
        for (const name of specifiers(names)) {
          if (name.typeOnly) continue;
          const defined = modules.get(name.local);
          if (!defined) throw new Error(`${args.path}: ${from} exports no ${name.local}`);
          const text =
            defined.name === name.exported ? defined.name : `${defined.name} as ${name.exported}`;
          byModule.set(defined.module, [...(byModule.get(defined.module) ?? []), text]);
        }
        const direct = [...byModule]
          .map(
            ([module, list]) => `${keyword} { ${list.join(', ')} } from ${JSON.stringify(module)};`,
          )
          .join('\n');
        rewritten = rewritten.replace(statement, direct);
      }
      return { contents: rewritten, loader: args.path.endsWith('x') ? 'tsx' : 'ts' };
    });
  },
};
