-- The alert that tells a user one of their webhook endpoints was disabled for failing.
ALTER TYPE "AlertType" ADD VALUE 'WEBHOOK_DISABLED';
