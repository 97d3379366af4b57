// The experiment's observables in display order (the order of the run sheet's columns): dragged
// by their handle with a pointer, or with the keyboard (Space on the handle, arrow keys, Space),
// or moved one place with the Move up / Move down buttons; edited in a dialog; removed after a
// question, which says when recorded values would go with the observable.
import {
  closestCenter,
  DndContext,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
  type UniqueIdentifier,
} from '@dnd-kit/core';
import { arrayMove, SortableContext, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { ArrowDown, ArrowUp, GripVertical, Pencil, Trash } from 'lucide-react';
import { Dialog } from 'radix-ui';
import { memo, useMemo, useRef, useState } from 'react';
import type { Observable, Run } from '../../../../shared/domain';
import { useMutation } from '../../api/hooks';
import { FormError } from '../../components/Field';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { plural } from '../../components/counts';
import { cx } from '../../components/cx';
import { countValues, VALUE_TYPE_LABELS } from './format';
import { EMPTY_OBSERVABLE, ObservableForm, observableFormValues, type ObservableFormValues } from './ObservableForm';
import styles from './runsheet.module.css';

interface ObservablesPanelProps {
  observables: Observable[];
  runs: Run[];
  readOnly: boolean;
}

export const ObservablesPanel = memo(function ObservablesPanel({ observables, runs, readOnly }: ObservablesPanelProps) {
  const add = useMutation('observables.add');
  const reorder = useMutation('observables.reorder');
  // The order just asked for, shown until the server's answer (and its push) arrives.
  const [pendingOrder, setPendingOrder] = useState<number[] | null>(null);
  const [editing, setEditing] = useState<Observable | null>(null);
  const [removing, setRemoving] = useState<Observable | null>(null);
  const list = useRef<HTMLOListElement>(null);

  const shown = useMemo(() => {
    if (!pendingOrder) return observables;
    const byId = new Map(observables.map((o) => [o.id, o]));
    const ordered = pendingOrder.flatMap((id) => byId.get(id) ?? []);
    return [...ordered, ...observables.filter((o) => !pendingOrder.includes(o.id))];
  }, [observables, pendingOrder]);

  const move = async (order: number[]) => {
    setPendingOrder(order);
    await reorder.run({ order });
    setPendingOrder(null);
  };

  const moveBy = async (observable: Observable, delta: -1 | 1) => {
    const from = shown.findIndex((o) => o.id === observable.id);
    const to = from + delta;
    if (from < 0 || to < 0 || to >= shown.length) return;
    const order = arrayMove(shown, from, to).map((o) => o.id);
    await move(order);
    // Keep the keyboard focus on the button pressed (its row moved), or, when it became
    // disabled at the end of the list, on the other direction's button of the same observable.
    const atEnd = to === 0 || to === shown.length - 1;
    const direction = (delta < 0) !== atEnd ? 'up' : 'down';
    list.current?.querySelector<HTMLButtonElement>(`[data-move="${direction}-${observable.id}"]`)?.focus();
  };

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );

  const nameOf = (id: UniqueIdentifier) => shown.find((o) => o.id === id)?.name ?? 'the observable';
  const positionOf = (id: UniqueIdentifier | undefined) => shown.findIndex((o) => o.id === id) + 1;
  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up ${nameOf(active.id)}, position ${positionOf(active.id)} of ${shown.length}.`,
    onDragOver: ({ active, over }) =>
      over ? `${nameOf(active.id)} is over position ${positionOf(over.id)} of ${shown.length}.` : `${nameOf(active.id)} is not over a position.`,
    onDragEnd: ({ active, over }) =>
      over ? `${nameOf(active.id)} dropped at position ${positionOf(over.id)} of ${shown.length}.` : `${nameOf(active.id)} dropped.`,
    onDragCancel: ({ active }) => `Moving ${nameOf(active.id)} was cancelled.`,
  };

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    const from = shown.findIndex((o) => o.id === active.id);
    const to = shown.findIndex((o) => o.id === over.id);
    if (from < 0 || to < 0) return;
    void move(arrayMove(shown, from, to).map((o) => o.id));
  };

  const addObservable = async (values: ObservableFormValues) => Boolean(await add.run(values));

  return (
    <section className="panel" aria-labelledby="observables-heading">
      <div className={styles.panelHead}>
        <h3 id="observables-heading">Observables</h3>
        <span className={styles.count}>{plural(observables.length, 'observable')}, in column order</span>
      </div>
      <FormError message={reorder.error?.message} />
      {shown.length === 0 ? (
        <p className={styles.hint}>None yet. An observable is one column of the run sheet, e.g. the beam energy or the gas pressure.</p>
      ) : (
        <DndContext
          sensors={sensors}
          collisionDetection={closestCenter}
          onDragEnd={onDragEnd}
          accessibility={{
            announcements,
            screenReaderInstructions: {
              draggable:
                'To move an observable, press Space on its handle, then the up and down arrow keys, then Space again to drop it or Escape to cancel.',
            },
          }}
        >
          <SortableContext items={shown.map((o) => o.id)} strategy={verticalListSortingStrategy} disabled={readOnly}>
            <ol ref={list} className={styles.observableList} aria-label="Observables in column order">
              {shown.map((observable, index) => (
                <SortableObservable
                  key={observable.id}
                  observable={observable}
                  first={index === 0}
                  last={index === shown.length - 1}
                  disabled={readOnly}
                  readOnly={readOnly}
                  onMove={(delta) => void moveBy(observable, delta)}
                  onEdit={() => setEditing(observable)}
                  onRemove={() => setRemoving(observable)}
                />
              ))}
            </ol>
          </SortableContext>
        </DndContext>
      )}

      <div className={styles.addForm}>
        <h4 id="add-observable-heading">Add an observable</h4>
        <ObservableForm
          label="Add an observable"
          initial={EMPTY_OBSERVABLE}
          submitLabel="Add observable"
          disabled={readOnly}
          pending={add.pending}
          error={add.error}
          onChange={add.reset}
          onSubmit={addObservable}
          clearOnSuccess
        />
      </div>

      {editing ? <EditObservableDialog observable={editing} onClose={() => setEditing(null)} readOnly={readOnly} /> : null}
      {removing ? <RemoveObservableDialog observable={removing} valueCount={countValues(runs, removing.id)} onClose={() => setRemoving(null)} /> : null}
    </section>
  );
});

interface SortableObservableProps {
  observable: Observable;
  first: boolean;
  last: boolean;
  disabled: boolean;
  readOnly: boolean;
  onMove: (delta: -1 | 1) => void;
  onEdit: () => void;
  onRemove: () => void;
}

function SortableObservable({ observable, first, last, disabled, readOnly, onMove, onEdit, onRemove }: SortableObservableProps) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({
    id: observable.id,
    disabled,
  });
  const name = observable.name;
  return (
    <li
      ref={setNodeRef}
      className={cx(styles.observable, isDragging && styles.dragging)}
      style={{ transform: CSS.Translate.toString(transform), transition }}
    >
      <button
        type="button"
        ref={setActivatorNodeRef}
        className={cx(styles.iconButton, styles.handle)}
        {...attributes}
        {...listeners}
        aria-label={`Reorder ${name}`}
        disabled={disabled}
      >
        <GripVertical size={16} aria-hidden="true" />
      </button>
      <div>
        <div className={styles.observableName}>{name}</div>
        <div className={styles.observableDetails}>
          <span>{VALUE_TYPE_LABELS[observable.valueType]}</span>
          {observable.units ? <span>{observable.units}</span> : null}
          {observable.comment ? <span>{observable.comment}</span> : null}
        </div>
      </div>
      <div className={styles.iconButtons}>
        <button
          type="button"
          className={styles.iconButton}
          aria-label={`Move ${name} up`}
          title="Move up (one column to the left)"
          data-move={`up-${observable.id}`}
          disabled={disabled || first}
          onClick={() => onMove(-1)}
        >
          <ArrowUp size={16} aria-hidden="true" />
        </button>
        <button
          type="button"
          className={styles.iconButton}
          aria-label={`Move ${name} down`}
          title="Move down (one column to the right)"
          data-move={`down-${observable.id}`}
          disabled={disabled || last}
          onClick={() => onMove(1)}
        >
          <ArrowDown size={16} aria-hidden="true" />
        </button>
        <button type="button" className={styles.iconButton} aria-label={`Edit ${name}`} title="Edit" disabled={readOnly} onClick={onEdit}>
          <Pencil size={16} aria-hidden="true" />
        </button>
        <button
          type="button"
          className={cx(styles.iconButton, styles.danger)}
          aria-label={`Remove ${name}`}
          title="Remove"
          disabled={readOnly}
          onClick={onRemove}
        >
          <Trash size={16} aria-hidden="true" />
        </button>
      </div>
    </li>
  );
}

function EditObservableDialog({ observable, onClose, readOnly }: { observable: Observable; onClose: () => void; readOnly: boolean }) {
  const update = useMutation('observables.update');
  const save = async (values: ObservableFormValues) => {
    const result = await update.run({ id: observable.id, ...values });
    if (result) onClose();
    return Boolean(result);
  };
  return (
    <Dialog.Root open onOpenChange={(open) => (open ? undefined : onClose())}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog dialog-confirm">
          <Dialog.Title>Edit {observable.name}</Dialog.Title>
          <Dialog.Description className={styles.dialogText}>
            A new type converts the recorded values; it is refused when one of them does not fit.
          </Dialog.Description>
          <ObservableForm
            label={`Edit ${observable.name}`}
            initial={observableFormValues(observable)}
            submitLabel="Save observable"
            disabled={readOnly}
            pending={update.pending}
            error={update.error}
            onChange={update.reset}
            onSubmit={save}
          >
            <Dialog.Close asChild>
              <button type="button" className="button-quiet">
                Cancel
              </button>
            </Dialog.Close>
          </ObservableForm>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function RemoveObservableDialog({ observable, valueCount, onClose }: { observable: Observable; valueCount: number; onClose: () => void }) {
  const remove = useMutation('observables.remove');
  // The server refuses while values exist unless told to delete them. The count is live: values
  // recorded elsewhere meanwhile turn this into the question with values (after the refusal).
  const withValues = valueCount > 0;
  const confirm = async () => {
    if (await remove.run({ id: observable.id, deleteValues: withValues })) onClose();
  };
  return (
    <ConfirmDialog
      open
      onOpenChange={(open) => (open ? undefined : onClose())}
      title={`Remove ${observable.name}?`}
      description={
        withValues ? (
          <p>
            {observable.name} holds values in {plural(valueCount, 'run')}: removing it deletes them from the run
            sheet for good.
          </p>
        ) : (
          <p>{observable.name} holds no values. Its column leaves the run sheet.</p>
        )
      }
      confirm={withValues ? 'Remove with its values' : 'Remove'}
      destructive
      onConfirm={() => void confirm()}
      pending={remove.pending}
      error={remove.error?.message}
    />
  );
}
