import { useEffect, useId, useRef, useState, type FormEvent } from 'react';

export interface ReasonDialogProps {
  title: string;
  /** One sentence on what will happen. */
  description: string;
  confirmLabel: string;
  /** A reason is required (activation, rollback) or optional (validation, promotion). */
  reasonRequired: boolean;
  /** Ask also for the as-of date of the example questions (validation). */
  askDate?: boolean;
  busy?: boolean;
  /** An error from the last attempt, shown in the dialog. */
  error?: string;
  onConfirm(values: { reason: string; today?: string }): void;
  onCancel(): void;
}

/**
 * A small modal dialog (native <dialog>: focus stays inside, Escape cancels) asking for the reason
 * of a training change, and optionally an as-of date.
 */
export function ReasonDialog(p: ReasonDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const ids = { title: useId(), desc: useId(), reason: useId(), date: useId() };
  const [reason, setReason] = useState('');
  const [today, setToday] = useState('');

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (p.reasonRequired && !reason.trim()) return;
    p.onConfirm({ reason: reason.trim(), ...(today ? { today } : {}) });
  };

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={ids.title}
      aria-describedby={ids.desc}
      onCancel={(e) => {
        e.preventDefault();
        p.onCancel();
      }}
    >
      <form onSubmit={submit} className="dialog-body">
        <h2 id={ids.title}>{p.title}</h2>
        <p id={ids.desc} className="muted">
          {p.description}
        </p>
        <label htmlFor={ids.reason}>
          Reason{p.reasonRequired ? '' : ' (optional)'}
        </label>
        <textarea
          id={ids.reason}
          rows={3}
          required={p.reasonRequired}
          maxLength={2000}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder="Who asked for it and why"
          autoFocus
        />
        {p.askDate && (
          <>
            <label htmlFor={ids.date}>As-of date of the example questions (optional)</label>
            <input id={ids.date} type="date" value={today} onChange={(e) => setToday(e.target.value)} aria-describedby={`${ids.date}-hint`} />
            <p id={`${ids.date}-hint`} className="muted small">
              Example SQL with literal dates is written for one day; empty: the day the profile names, else today.
            </p>
          </>
        )}
        {p.error && (
          <p className="error" role="alert">
            {p.error}
          </p>
        )}
        <div className="row end">
          <button type="button" className="btn" onClick={p.onCancel}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={p.busy || (p.reasonRequired && !reason.trim())}>
            {p.busy ? 'Working…' : p.confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
