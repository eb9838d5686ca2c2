import { useSubscription } from '@apollo/client/react';
import type { Reference } from '@apollo/client';
import { AlertItemFragmentDoc, AlertRaisedDocument, BudgetUpdatedDocument, TransactionCategorizedDocument } from '../../generated/graphql';
import { useToast } from '../../ui/toasts';

/**
 * Every open tab holds these subscriptions. An alert pops up as a toast the moment it is raised
 * and joins the cached alert lists; budgets and categorized transactions are normalized objects,
 * so writing the event to the cache updates every page that shows them.
 */
export function LiveAlerts() {
  const toast = useToast();
  useSubscription(AlertRaisedDocument, {
    onData: ({ client, data }) => {
      const alert = data.data?.alertRaised;
      if (!alert) return;
      toast({ id: alert.id, message: alert.message, tone: alert.severity });
      // Stored first (onData may run before the result is), then at the top of every cached
      // alerts list (any first/unreadOnly): a new alert is unread and the newest.
      const ref = client.cache.writeFragment({ fragment: AlertItemFragmentDoc, data: alert });
      client.cache.modify({
        fields: {
          alerts(existing: readonly Reference[] = [], { readField }) {
            if (!ref || existing.some((r) => readField('id', r) === alert.id)) return existing;
            return [ref, ...existing];
          },
        },
      });
    },
  });
  useSubscription(BudgetUpdatedDocument);
  useSubscription(TransactionCategorizedDocument);
  return null;
}
