// Asking the person at the terminal before something is destroyed. Without a terminal there is
// no one to ask: the caller must have said --yes.
import { createInterface } from 'node:readline/promises';
import type { CliContext } from './context.js';

/** Asks a question on stderr and reads one line from stdin; undefined when Ctrl-C or EOF. */
export async function ask(ctx: CliContext, question: string): Promise<string | undefined> {
  const lines = createInterface({ input: ctx.streams.stdin, output: ctx.streams.stderr });
  // The end of input closes the interface without settling the question.
  const closed = new Promise<undefined>((resolve) => lines.once('close', () => resolve(undefined)));
  try {
    return await Promise.race([lines.question(question, { signal: ctx.signal }), closed]);
  } catch {
    return undefined;
  } finally {
    lines.close();
  }
}

/** y/N: only "y" or "yes" agrees. */
export async function confirm(ctx: CliContext, question: string): Promise<boolean> {
  const answer = await ask(ctx, `${question} [y/N] `);
  return /^(y|yes)$/i.test(answer?.trim() ?? '');
}

/** Agreement by typing `name` (for what cannot be made again from this machine). */
export async function confirmByName(
  ctx: CliContext,
  question: string,
  name: string,
): Promise<boolean> {
  const answer = await ask(ctx, `${question}\nType ${name} to confirm: `);
  return answer?.trim() === name;
}
