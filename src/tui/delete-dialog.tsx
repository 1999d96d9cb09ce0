// Deleting parts of a row: the parts it has, to tick (space), then Cancel or Delete. Cancel has
// the focus when the dialog opens, so an Enter pressed by habit deletes nothing; deleting
// anything in AWS (function, remote image, repository) also asks to type the row's name. Its keys
// are the `deleteDialog` table's (view-keys.ts); its footer is drawn from it.
import { Box, Text } from 'ink';
import { type ReactNode, useState } from 'react';
import type { LineageRow } from '../core/internal.js';
import { DialogFrame } from './dialog-frame.js';
import { shortHash } from './format.js';
import { displayKey } from './key-table.js';
import { rowName } from './lineage-columns.js';
import type { DeletePart } from './services.js';
import { TextInput } from './text-input.js';
import { color, useTheme } from './theme.js';
import { useKeys } from './use-keys.js';
import { useViewBindings } from './use-view-keys.js';
import { useViewHelp } from './view-help.js';
import { type ViewContext, viewCommandFor, viewKeysOf } from './view-keys.js';

export interface DeleteDialogProps {
  readonly row: LineageRow;
  readonly width: number;
  /** With the footer's line. */
  readonly height: number;
  readonly onCancel: () => void;
  readonly onConfirm: (parts: readonly DeletePart[]) => void;
}

const REMOTE_PARTS: ReadonlySet<DeletePart> = new Set(['function', 'remoteImage', 'repo']);

/** The parts a row has, downstream first, with what each is called. */
export function deletableParts(row: LineageRow): { part: DeletePart; label: string }[] {
  const parts: { part: DeletePart; label: string }[] = [];
  if (row.lambdaFunction)
    parts.push({ part: 'function', label: `function ${row.lambdaFunction.name}` });
  if (row.remoteImage) {
    const tags = row.remoteImage.tags.length ? ` (${row.remoteImage.tags.join(', ')})` : '';
    parts.push({
      part: 'remoteImage',
      label: `remote image ${shortHash(row.remoteImage.digest)}${tags}`,
    });
  }
  if (row.repo)
    parts.push({ part: 'repo', label: `repository ${row.repo.name} (with all its images)` });
  if (row.localImage) {
    parts.push({
      part: 'localImage',
      label: `local image ${shortHash(row.localImage.id)} ${row.localImage.ref}`,
    });
  }
  return parts;
}

export function DeleteDialog({
  row,
  width,
  height,
  onCancel,
  onConfirm,
}: DeleteDialogProps): ReactNode {
  const theme = useTheme();
  const parts = deletableParts(row);
  // The repository goes only when asked: it takes every image in it.
  const [chosen, setChosen] = useState<ReadonlySet<DeletePart>>(
    () => new Set(parts.map((p) => p.part).filter((part) => part !== 'repo')),
  );
  const cancelAt = parts.length;
  const deleteAt = parts.length + 1;
  const [focus, setFocus] = useState(cancelAt);
  const [typing, setTyping] = useState(false);
  const [typed, setTyped] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const name = rowName(row);
  const selected = parts.filter((p) => chosen.has(p.part)).map((p) => p.part);
  const remote = selected.some((part) => REMOTE_PARTS.has(part));

  const bindings = useViewBindings('deleteDialog');
  const openHelp = useViewHelp();
  const context: ViewContext = { typing };
  useKeys(
    ({ name: keyName }) => {
      const toggle = () => {
        const part = parts[focus]?.part;
        if (!part) return;
        setChosen((current) => {
          const next = new Set(current);
          if (next.has(part)) next.delete(part);
          else next.add(part);
          return next;
        });
        setProblem(undefined);
      };
      switch (viewCommandFor(bindings, keyName, context)) {
        case 'deleteDialog.cancel':
          return onCancel();
        case 'deleteDialog.up':
          return setFocus((f) => Math.max(0, f - 1));
        case 'deleteDialog.down':
          return setFocus((f) => (f + 1) % (parts.length + 2));
        case 'deleteDialog.toCancel':
          return setFocus(cancelAt);
        case 'deleteDialog.toDelete':
          return setFocus(deleteAt);
        case 'deleteDialog.toggle':
          return toggle();
        case 'deleteDialog.help':
          return openHelp('deleteDialog', context);
        case 'deleteDialog.confirm':
          if (focus < parts.length) return toggle();
          if (focus === cancelAt) return onCancel();
          if (selected.length === 0) {
            const tick = viewKeysOf(bindings, 'deleteDialog.toggle')[0];
            return setProblem(`Tick at least one part${tick ? ` (${displayKey(tick)})` : ''}.`);
          }
          if (remote) return setTyping(true);
          onConfirm(selected);
      }
    },
    { isActive: !typing },
  );

  const line = (text: string, focused: boolean, tone?: string) => (
    <Text wrap="truncate-end" inverse={focused} color={color(tone ?? '')}>
      {text}
    </Text>
  );
  return (
    <DialogFrame
      title={`Delete ${name}`}
      view="deleteDialog"
      context={context}
      problem={problem}
      width={width}
      height={height}
    >
      <Text color={color(theme.ui.dim)} wrap="truncate-end">
        Choose the parts to delete, then Delete:
      </Text>
      {parts.map((p, index) => (
        <Box key={p.part}>
          {line(`${chosen.has(p.part) ? '[x]' : '[ ]'} ${p.label}`, focus === index && !typing)}
        </Box>
      ))}
      <Text> </Text>
      <Box>
        {line('< Cancel >', focus === cancelAt && !typing)}
        <Text> </Text>
        {line('< Delete >', focus === deleteAt && !typing, theme.status.error)}
      </Box>
      {typing ? (
        <Box flexDirection="column">
          <Text color={color(theme.status.warning)} wrap="truncate-end">
            This deletes resources in AWS. Type {name} to confirm:
          </Text>
          <TextInput
            value={typed}
            onChange={(value) => {
              setTyped(value);
              setProblem(undefined);
            }}
            onSubmit={(value) => {
              if (value.trim() === name) onConfirm(selected);
              else setProblem(`That is not ${name}; type it exactly, or Esc to cancel.`);
            }}
            onCancel={onCancel}
            keys={{
              submit: viewKeysOf(bindings, 'deleteDialog.confirm'),
              cancel: viewKeysOf(bindings, 'deleteDialog.cancel'),
              complete: [],
            }}
            prompt="> "
            width={width - 4}
          />
        </Box>
      ) : null}
    </DialogFrame>
  );
}
