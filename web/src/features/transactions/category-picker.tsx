import { useMutation, useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { apiProblems } from '../../api/errors';
import { CategorizeTransactionDocument, CategoriesDocument, SuggestCategoriesDocument, type TransactionRowFragment } from '../../generated/graphql';
import { Button, FormErrors } from '../../ui/components';

/**
 * A transaction's category, how sure the categorizer was and why, and one-click corrections:
 * the model's suggestions first, then every category.
 */
export function CategoryPicker({ transaction }: { transaction: TransactionRowFragment }) {
  const [open, setOpen] = useState(false);
  const { categorization, category } = transaction;
  return (
    <div className="stack" style={{ gap: 4 }}>
      <div>
        <Button size="small" variant="secondary" aria-expanded={open} onClick={() => setOpen(!open)} aria-label={`Category of ${transaction.description}: ${category?.name ?? 'none'}. Change`}>
          {category?.name ?? 'Uncategorized'}
        </Button>{' '}
        {categorization && transaction.categorySource !== 'USER' && (
          <span className="muted" title={categorization.explanation ?? undefined}>
            {Math.round(categorization.confidence * 100)}% {categorization.source.toLowerCase()}
          </span>
        )}
      </div>
      {categorization?.explanation && transaction.categorySource !== 'USER' && <span className="muted">{categorization.explanation}</span>}
      {open && <Choices transaction={transaction} onDone={() => setOpen(false)} />}
    </div>
  );
}

function Choices({ transaction, onDone }: { transaction: TransactionRowFragment; onDone: () => void }) {
  const { data: suggestions } = useQuery(SuggestCategoriesDocument, { variables: { description: transaction.description, amount: transaction.amount.amount } });
  const { data: categories } = useQuery(CategoriesDocument);
  const [categorize, { loading, error }] = useMutation(CategorizeTransactionDocument);
  async function choose(categoryId: string) {
    const result = await categorize({ variables: { id: transaction.id, categoryId } }).catch(() => null);
    if (result?.data) onDone();
  }
  const suggested = (suggestions?.suggestCategories ?? []).filter((s) => s.category.id !== transaction.category?.id);
  return (
    <div className="stack" style={{ gap: 4 }} role="group" aria-label="Choose a category">
      <FormErrors messages={apiProblems(error).map((p) => p.message)} />
      {suggested.length > 0 && (
        <div className="row" style={{ gap: 4 }}>
          {suggested.map((s) => (
            <Button key={s.category.id} size="small" disabled={loading} onClick={() => choose(s.category.id)}>
              {s.category.name} ({Math.round(s.confidence * 100)}%)
            </Button>
          ))}
        </div>
      )}
      <select aria-label="All categories" defaultValue="" disabled={loading} onChange={(e) => e.target.value && choose(e.target.value)}>
        <option value="">Other category…</option>
        {categories?.categories.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
    </div>
  );
}
