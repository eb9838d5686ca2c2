-- CreateEnum
CREATE TYPE "AlertType" AS ENUM ('BUDGET_WARNING', 'BUDGET_EXCEEDED', 'UNUSUAL_SPENDING', 'LARGE_TRANSACTION');

-- CreateEnum
CREATE TYPE "Severity" AS ENUM ('INFO', 'WARNING', 'CRITICAL');

-- CreateTable
CREATE TABLE "alerts" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "type" "AlertType" NOT NULL,
    "severity" "Severity" NOT NULL,
    "message" TEXT NOT NULL,
    "subject_id" UUID NOT NULL,
    "transaction_id" UUID,
    "budget_id" UUID,
    "month" VARCHAR(7),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "read_at" TIMESTAMPTZ(3),
    "published_at" TIMESTAMPTZ(3),

    CONSTRAINT "alerts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "large_transaction_thresholds" (
    "user_id" UUID NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "min_minor" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "large_transaction_thresholds_pkey" PRIMARY KEY ("user_id","currency")
);

-- CreateIndex
CREATE INDEX "alerts_user_id_created_at_idx" ON "alerts"("user_id", "created_at");

-- CreateIndex
CREATE INDEX "alerts_user_id_published_at_idx" ON "alerts"("user_id", "published_at");

-- CreateIndex
CREATE UNIQUE INDEX "alerts_subject_id_type_key" ON "alerts"("subject_id", "type");

-- CreateIndex
CREATE INDEX "transaction_ledger_user_id_category_id_currency_day_idx" ON "transaction_ledger"("user_id", "category_id", "currency", "day");
