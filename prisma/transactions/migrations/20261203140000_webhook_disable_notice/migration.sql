-- An endpoint disabled for failing waits here until the budget domain has the notice that tells its user.
ALTER TABLE "webhook_endpoints" ADD COLUMN "disable_notice_pending" BOOLEAN NOT NULL DEFAULT false;
