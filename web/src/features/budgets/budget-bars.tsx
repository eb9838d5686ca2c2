import type { BudgetRowFragment } from '../../generated/graphql';
import { formatMoney, ProgressBar } from '../../ui/components';

const STATUS_TEXT = { ON_TRACK: 'on track', WARNING: 'warning', EXCEEDED: 'exceeded' } as const;

/** A month's budgets as bars; they move by themselves as budgetUpdated events reach the cache. */
export function BudgetBars({ budgets, onDelete }: { budgets: readonly BudgetRowFragment[]; onDelete?: (id: string) => void }) {
  if (budgets.length === 0) return <p className="muted">No budgets for this month.</p>;
  return (
    <ul className="stack" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
      {[...budgets]
        .sort((a, b) => b.progress - a.progress)
        .map((b) => (
          <li key={b.id} className="stack" style={{ gap: 4 }} data-testid="budget">
            <div className="row" style={{ justifyContent: 'space-between' }}>
              <strong>{b.category.name}</strong>
              <span className="muted">
                {formatMoney(b.spent.amount, b.spent.currency)} of {formatMoney(b.limit.amount, b.limit.currency)}{' '}
                <span className={`badge ${b.status}`}>{STATUS_TEXT[b.status]}</span>
                {onDelete && (
                  <button type="button" className="btn small danger" style={{ marginLeft: 8 }} onClick={() => onDelete(b.id)} aria-label={`Delete the ${b.category.name} budget`}>
                    Delete
                  </button>
                )}
              </span>
            </div>
            <ProgressBar value={b.progress} label={`${b.category.name} budget used`} tone={b.status} />
          </li>
        ))}
    </ul>
  );
}
