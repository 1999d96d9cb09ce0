// Adding a responder to the project: its path (a .ts/.js file, a package folder or a git URL;
// Tab completes paths), then the export that handles events (`handler` unless told). Its keys
// are the `addDialog` table's (view-keys.ts); its footer is drawn from it.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Text } from 'ink';
import { type ReactNode, useState } from 'react';
import { DialogFrame } from './dialog-frame.js';
import { TextInput } from './text-input.js';
import { color, useTheme } from './theme.js';
import { useViewBindings } from './use-view-keys.js';
import { useViewHelp } from './view-help.js';
import { type ViewContext, viewKeysOf } from './view-keys.js';

export interface AddDialogProps {
  /** Relative paths are completed from here. */
  readonly dir: string;
  readonly width: number;
  /** With the footer's line. */
  readonly height: number;
  readonly onCancel: () => void;
  readonly onSubmit: (source: string, handler: string) => void;
}

/** The longest unambiguous completion of a path typed so far, or undefined. */
export function completePath(typed: string, dir: string): string | undefined {
  const slash = typed.lastIndexOf('/');
  const folderPart = slash >= 0 ? typed.slice(0, slash + 1) : '';
  const prefix = typed.slice(slash + 1);
  const folder = path.resolve(dir, folderPart || '.');
  let names: string[];
  try {
    names = readdirSync(folder).filter((name) => name.startsWith(prefix) && !name.startsWith('.'));
  } catch {
    return undefined;
  }
  if (names.length === 0) return undefined;
  let common = names[0]!;
  for (const name of names) {
    while (!name.startsWith(common)) common = common.slice(0, -1);
  }
  if (names.length === 1) {
    const isDir = (() => {
      try {
        return statSync(path.join(folder, common)).isDirectory();
      } catch {
        return false;
      }
    })();
    return folderPart + common + (isDir ? '/' : '');
  }
  return common.length > prefix.length ? folderPart + common : undefined;
}

export function AddDialog({ dir, width, height, onCancel, onSubmit }: AddDialogProps): ReactNode {
  const theme = useTheme();
  const [step, setStep] = useState<'source' | 'handler'>('source');
  const [source, setSource] = useState('');
  const [handler, setHandler] = useState('handler');
  const [problem, setProblem] = useState<string | undefined>();
  const bindings = useViewBindings('addDialog');
  const openHelp = useViewHelp();
  const context: ViewContext = { step };
  const keys = {
    submit: viewKeysOf(bindings, 'addDialog.confirm'),
    cancel: viewKeysOf(bindings, 'addDialog.cancel'),
    complete: viewKeysOf(bindings, 'addDialog.complete'),
    help: viewKeysOf(bindings, 'addDialog.help'),
  };
  const onHelp = () => openHelp('addDialog', context);
  return (
    <DialogFrame
      title="Add a responder"
      view="addDialog"
      context={context}
      problem={problem}
      width={width}
      height={height}
    >
      <Text color={color(theme.ui.dim)} wrap="truncate-end">
        A .ts or .js file, a package folder or a git URL:
      </Text>
      <TextInput
        value={source}
        onChange={(value) => {
          setSource(value);
          setProblem(undefined);
        }}
        onSubmit={(value) => {
          if (!value.trim()) return setProblem('Give the path of the responder.');
          setStep('handler');
        }}
        onCancel={onCancel}
        complete={(value) => completePath(value, dir)}
        keys={keys}
        onHelp={onHelp}
        prompt="path> "
        width={width - 4}
        isActive={step === 'source'}
      />
      {step === 'handler' ? (
        <>
          <Text color={color(theme.ui.dim)} wrap="truncate-end">
            The export that handles events:
          </Text>
          <TextInput
            value={handler}
            onChange={(value) => {
              setHandler(value);
              setProblem(undefined);
            }}
            onSubmit={(value) => {
              if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(value.trim())) {
                return setProblem('An export name, such as handler or api.handler.');
              }
              onSubmit(source.trim(), value.trim());
            }}
            onCancel={onCancel}
            keys={{ ...keys, complete: [] }}
            onHelp={onHelp}
            prompt="handler> "
            width={width - 4}
          />
        </>
      ) : null}
    </DialogFrame>
  );
}
