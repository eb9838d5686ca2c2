-- The budget domain keeps the parts of a split row (each counted in its own category) and its tags.
-- AlterTable
ALTER TABLE "transaction_ledger" ADD COLUMN     "parts" JSONB,
ADD COLUMN     "tags" JSONB NOT NULL DEFAULT '[]';

-- CreateIndex
CREATE INDEX "transaction_ledger_user_id_currency_day_idx" ON "transaction_ledger"("user_id", "currency", "day");
