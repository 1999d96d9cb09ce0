// The type checker's thread. This function runs in a worker_threads worker, started from its
// source text (`new Worker(code, { eval: true })`), so it works the same from the sources, from
// lambdash's single-file build and from an installed package. It must therefore use nothing
// from outside its own body: modules come through process.getBuiltinModule and createRequire.
//
// One worker serves a whole process; it keeps the last program of each compiler setup, so a
// later check after an edit reuses the parsed library and @types files.

/** What the main thread asks. */
export interface TypecheckRequest {
  readonly id: number;
  /** The responder's entry: the check starts there and follows its imports. */
  readonly entry: string;
  /** The responder's folder: only diagnostics in its own files count. */
  readonly root: string;
  /** The responder's tsconfig.json (packages and git sources), or undefined for strict defaults. */
  readonly tsconfig: string | undefined;
  /** Folders that may hold @types packages (@types/node above all), nearest first. */
  readonly typeRoots: readonly string[];
}

export interface TypeDiagnostic {
  /** Absolute path of the file. */
  readonly file: string;
  /** From 1, as editors count. */
  readonly line: number;
  readonly column: number;
  readonly code: number;
  readonly message: string;
}

export interface TypecheckAnswer {
  readonly id: number;
  readonly diagnostics?: readonly TypeDiagnostic[];
  /** The responder's own files the program read (entry, imports, ambient .d.ts). */
  readonly files?: readonly string[];
  readonly error?: string;
}

export function typecheckWorkerMain(): void {
  const getBuiltin = (
    process as unknown as { getBuiltinModule(name: string): unknown }
  ).getBuiltinModule.bind(process);
  const { parentPort, workerData } = getBuiltin(
    'node:worker_threads',
  ) as typeof import('node:worker_threads');
  const { createRequire } = getBuiltin('node:module') as typeof import('node:module');
  const path = getBuiltin('node:path') as typeof import('node:path');
  const ts = createRequire((workerData as { typescript: string }).typescript)(
    (workerData as { typescript: string }).typescript,
  ) as typeof import('typescript');

  // Diagnostics about how modules are found or which module system a file is in: esbuild
  // bundles the code and decides those, and a package without types is `any`, not an error.
  const IGNORED = new Set([
    1309, 1378, 1470, 1479, 2307, 2792, 2834, 2835, 5097, 7016, 1343, 2823, 1324,
  ]);
  // "Cannot find name 'process'... install @types/node": ignored when no @types/node is there.
  const NEEDS_NODE_TYPES = new Set([2580, 2591, 2592, 2593, 2582, 2867, 2868]);
  // Options that only matter to an emit, which a check never does, and that can fail it.
  const EMIT_OPTIONS = [
    'composite',
    'incremental',
    'tsBuildInfoFile',
    'declaration',
    'declarationMap',
    'emitDeclarationOnly',
    'sourceMap',
    'inlineSourceMap',
    'outDir',
    'outFile',
    'rootDir',
    'rootDirs',
  ];

  const lastPrograms = new Map<string, import('typescript').Program>();

  parentPort?.on('message', (request: TypecheckRequest) => {
    let answer: TypecheckAnswer;
    try {
      answer = { id: request.id, ...check(request) };
    } catch (error) {
      answer = { id: request.id, error: String((error as Error)?.stack ?? error) };
    }
    parentPort.postMessage(answer);
  });

  function nodeTypesIn(typeRoots: readonly string[]): string | undefined {
    return typeRoots.find((dir) => ts.sys.fileExists(path.join(dir, 'node', 'package.json')));
  }

  function compilerOptions(request: TypecheckRequest): {
    options: import('typescript').CompilerOptions;
    nodeTypes: boolean;
  } {
    const nodeRoot = nodeTypesIn(request.typeRoots);
    if (request.tsconfig) {
      const read = ts.readConfigFile(request.tsconfig, ts.sys.readFile);
      const parsed = ts.parseJsonConfigFileContent(
        read.config ?? {},
        ts.sys,
        path.dirname(request.tsconfig),
        undefined,
        request.tsconfig,
      );
      const options: import('typescript').CompilerOptions = { ...parsed.options };
      for (const key of EMIT_OPTIONS) delete options[key];
      // @types of the project's own, else lambdash's @types/node when the project has none.
      if (!options.typeRoots && nodeRoot) options.typeRoots = [...request.typeRoots];
      return {
        options: {
          ...options,
          noEmit: true,
          skipLibCheck: true,
          allowImportingTsExtensions: true,
        },
        nodeTypes: nodeRoot !== undefined,
      };
    }
    return {
      options: {
        strict: true,
        target: ts.ScriptTarget.ES2022,
        lib: ['lib.es2023.d.ts'],
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        types: nodeRoot ? ['node'] : [],
        typeRoots: [...request.typeRoots],
        allowJs: true,
        checkJs: false,
        esModuleInterop: true,
        resolveJsonModule: true,
        allowImportingTsExtensions: true,
        noEmit: true,
        skipLibCheck: true,
      },
      nodeTypes: nodeRoot !== undefined,
    };
  }

  function isOwn(root: string, file: string): boolean {
    const relative = path.relative(root, file);
    return (
      relative !== '' &&
      !relative.startsWith('..') &&
      !path.isAbsolute(relative) &&
      !relative.split(path.sep).includes('node_modules')
    );
  }

  function check(request: TypecheckRequest): Omit<TypecheckAnswer, 'id'> {
    const { options, nodeTypes } = compilerOptions(request);
    const key = JSON.stringify([request.tsconfig ?? '', request.typeRoots, options]);
    const program = ts.createProgram({
      rootNames: [request.entry],
      options,
      oldProgram: lastPrograms.get(key),
    });
    lastPrograms.set(key, program);
    const own = program.getSourceFiles().filter((file) => isOwn(request.root, file.fileName));
    const diagnostics: TypeDiagnostic[] = [];
    for (const file of own) {
      const found = [
        ...program.getSyntacticDiagnostics(file),
        ...program.getSemanticDiagnostics(file),
      ];
      for (const diagnostic of found) {
        if (diagnostic.category !== ts.DiagnosticCategory.Error) continue;
        if (IGNORED.has(diagnostic.code)) continue;
        if (!nodeTypes && NEEDS_NODE_TYPES.has(diagnostic.code)) continue;
        const start = diagnostic.start ?? 0;
        const at = file.getLineAndCharacterOfPosition(start);
        diagnostics.push({
          file: path.resolve(file.fileName),
          line: at.line + 1,
          column: at.character + 1,
          code: diagnostic.code,
          message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'),
        });
      }
    }
    return { diagnostics, files: own.map((file) => path.resolve(file.fileName)) };
  }
}
