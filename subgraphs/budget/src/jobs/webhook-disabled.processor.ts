import { processor, webhookDisabledNotice, type JobProcessor, type WebhookDisabledNotice } from '@centavo/jobs';
import { SEVERITY } from '../modules/alerts/alert-rules.js';
import type { AlertsRepository } from '../modules/alerts/alerts.repository.js';
import { md5Uuid } from '../modules/recurring/detection.js';
import type { LiveUpdates } from './transaction-changed.processor.js';

/** The alert's subject: one UUID per endpoint and disabling. */
export const disablingId = (endpointId: string, disabledAt: string): string => md5Uuid(`webhook-disabled:${endpointId}:${disabledAt}`);

export const webhookDisabledMessage = (notice: WebhookDisabledNotice): string =>
  `Webhook endpoint ${notice.url} was disabled: ${notice.reason ?? 'its deliveries kept failing'}. ` +
  'Its dead deliveries can be replayed once it is enabled again (enableWebhookEndpoint).';

/**
 * The transactions domain disabled one of the user's webhook endpoints: raise WEBHOOK_DISABLED
 * (once per disabling: a repeated notice finds the alert there) and publish it like every alert
 * (alertRaised, email, the user's other webhooks).
 */
export function createWebhookDisabledProcessor(
  alerts: Pick<AlertsRepository, 'raise'>,
  live: Pick<LiveUpdates, 'notify'> | undefined,
): JobProcessor<typeof webhookDisabledNotice.schema> {
  return processor(webhookDisabledNotice, async (notice) => {
    const raised = await alerts.raise([
      {
        userId: notice.userId,
        type: 'WEBHOOK_DISABLED',
        severity: SEVERITY.WEBHOOK_DISABLED,
        message: webhookDisabledMessage(notice).slice(0, 2000),
        transactionId: null,
        budgetId: null,
        month: null,
        subjectId: disablingId(notice.endpointId, notice.disabledAt),
      },
    ]);
    // Published even when it was stored by an earlier try that failed before publishing.
    await live?.notify(notice.userId, [], []);
    return { raised };
  });
}
