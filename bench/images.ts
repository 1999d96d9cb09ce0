// Image benchmark: cold build, rebuild after a handler edit, what lambdash adds to its base,
// and the first invocation with and without warm-up (V8 code cache) for a handler that bundles
// a sizeable library. Run with `npm run bench:images`; figures go to docs/benchmarks.md.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getDocker } from '../src/core/images/docker.js';
import {
  createLocalImage,
  deleteContainer,
  deleteLocalImage,
  ensureBaseImage,
  getResponder,
  type LocalImage,
  runImageLocally,
  sendLocalRequest,
} from '../src/core/index.js';
import { median, writeBenchmarkSection } from './report.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const FIRST_INVOCATIONS = Number(process.env.BENCH_FIRST_INVOCATIONS ?? 7);
const heavyEvent = {
  code: 'interface Point { x: number; y: number }\nexport const norm = (p: Point) => Math.hypot(p.x, p.y);\n',
};

async function seconds<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, (performance.now() - start) / 1000];
}

/** Duration and Init Duration of a fresh container's first invocation, from its REPORT line. */
async function firstInvocation(image: LocalImage): Promise<{ duration: number; init: number }> {
  const container = await runImageLocally(image);
  try {
    const response = await sendLocalRequest(heavyEvent, { port: container.port, log: true });
    if (response.functionError)
      throw new Error(`the heavy handler failed: ${JSON.stringify(response.body)}`);
    const report = /Duration: ([\d.]+) ms.*Init Duration: ([\d.]+) ms/.exec(response.log ?? '');
    if (!report) throw new Error(`no REPORT line in ${response.log}`);
    return { duration: Number(report[1]), init: Number(report[2]) };
  } finally {
    await deleteContainer(container);
  }
}

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'lambdash-bench-images-'));
  const made: LocalImage[] = [];
  try {
    const base = await ensureBaseImage();
    const baseSize = (await getDocker().getImage(base.image).inspect()).Size;

    // Hello world: cold build, then a rebuild after editing only the handler.
    await cp(path.join(root, 'bench/responders/hello'), path.join(work, 'hello'), {
      recursive: true,
    });
    const helloFile = path.join(work, 'hello/handler.ts');
    const hello = await getResponder(helloFile, { name: 'bench-hello' });
    const [cold, coldSeconds] = await seconds(() => createLocalImage(hello, { noCache: true }));
    made.push(cold);
    await writeFile(
      helloFile,
      `${await readFile(helloFile, 'utf8')}\nexport const edited = true;\n`,
    );
    const edited = await getResponder(helloFile, { name: 'bench-hello' });
    const [rebuilt, rebuildSeconds] = await seconds(() => createLocalImage(edited));
    made.push(rebuilt);
    const added = cold.size - baseSize;

    // The heavy handler, with and without warm-up, each started fresh several times.
    // Built in place: it resolves typescript from the project's own node_modules.
    const heavy = await getResponder(path.join(root, 'bench/responders/heavy/handler.ts'), {
      name: 'bench-heavy',
    });
    const plain = await createLocalImage(heavy, { tag: 'plain' });
    // The warm-up event is the test data's payload; the expected answer is checked too.
    const warm = await createLocalImage(heavy, {
      tag: 'warm',
      warmup: true,
      functionTestData: { payload: heavyEvent, expected: { bytes: 163 } },
    });
    made.push(plain, warm);
    const runs = {
      plain: [] as { duration: number; init: number }[],
      warm: [] as { duration: number; init: number }[],
    };
    for (let i = 0; i < FIRST_INVOCATIONS; i++) {
      runs.plain.push(await firstInvocation(plain));
      runs.warm.push(await firstInvocation(warm));
    }
    const plainDuration = median(runs.plain.map((r) => r.duration));
    const warmDuration = median(runs.warm.map((r) => r.duration));
    const plainInit = median(runs.plain.map((r) => r.init));
    const warmInit = median(runs.warm.map((r) => r.init));
    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(2);

    const text = [
      `Base image ${base.image} (${mb(baseSize)} MB). Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
      '',
      '| what | figure | target |',
      '|---|---|---|',
      `| cold build of a TypeScript hello world (no cache, base present) | ${coldSeconds.toFixed(2)} s | – |`,
      `| rebuild after editing only the handler | ${rebuildSeconds.toFixed(2)} s (${(rebuildSeconds / coldSeconds).toFixed(2)}× the cold build) | < 3 s |`,
      `| what lambdash adds to the base (runtime + bundle layers) | ${mb(added)} MB (${((added / baseSize) * 100).toFixed(2)}% of the base) | < 1 MB |`,
      `| first invocation, heavy handler, no warm-up (median of ${FIRST_INVOCATIONS} fresh containers) | ${plainDuration.toFixed(1)} ms (Init ${plainInit.toFixed(0)} ms) | – |`,
      `| first invocation, heavy handler, with warm-up | ${warmDuration.toFixed(1)} ms (Init ${warmInit.toFixed(0)} ms) | – |`,
      `| warm-up's cut of the first invocation | **${((1 - warmDuration / plainDuration) * 100).toFixed(0)}%** (Init: ${((1 - warmInit / plainInit) * 100).toFixed(0)}%) | ≥ 30% |`,
    ].join('\n');
    console.log(text);
    await writeBenchmarkSection(
      'images',
      'Images: build, rebuild, size and warm-up (issue 3)',
      text,
    );
  } finally {
    for (const image of made) await deleteLocalImage(image, { force: true }).catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}

await main();
