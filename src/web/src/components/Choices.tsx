import type { ChoiceOption, ChoicePick } from '../api.js';

/** A "which one?" answer: the readings of an ambiguous phrase as buttons; picking one answers. */
export function Choices({ message, options, onPick, disabled = false }: { message: string; options: ChoiceOption[]; onPick: (pick: ChoicePick, label: string) => void; disabled?: boolean }) {
  return (
    <div className="answer choose" role="group" aria-label="Which one do you mean?">
      <p className="explanation">{message}</p>
      <ul className="chips choices">
        {options.map((o) => (
          <li key={`${o.label}\u0000${o.means}`}>
            <button type="button" className="chip" title={o.means} disabled={disabled} onClick={() => onPick(o.pick, o.label)}>
              {o.label}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
