// A handler that bundles a sizeable library (the TypeScript compiler, ~10 MB of JavaScript)
// and exercises much of it on each call: what V8's code cache is for.
import ts from 'typescript';

export const handler = async (event: { code: string }) => {
  const output = ts.transpileModule(event.code, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  return { bytes: output.outputText.length };
};
