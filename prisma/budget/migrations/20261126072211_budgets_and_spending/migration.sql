-- CreateTable
CREATE TABLE "budgets" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "category_id" UUID NOT NULL,
    "month" VARCHAR(7) NOT NULL,
    "limit_minor" BIGINT NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "budgets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "transaction_ledger" (
    "transaction_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "category_id" UUID,
    "day" DATE NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "amount_minor" BIGINT NOT NULL,
    "is_transfer" BOOLEAN NOT NULL,
    "version" INTEGER NOT NULL,
    "deleted" BOOLEAN NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "transaction_ledger_pkey" PRIMARY KEY ("transaction_id")
);

-- CreateTable
CREATE TABLE "daily_spending" (
    "user_id" UUID NOT NULL,
    "category_key" UUID NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "day" DATE NOT NULL,
    "expense_minor" BIGINT NOT NULL DEFAULT 0,
    "income_minor" BIGINT NOT NULL DEFAULT 0,
    "tx_count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "daily_spending_pkey" PRIMARY KEY ("user_id","category_key","currency","day")
);

-- CreateIndex
CREATE INDEX "budgets_user_id_month_idx" ON "budgets"("user_id", "month");

-- CreateIndex
CREATE UNIQUE INDEX "budgets_user_id_category_id_month_key" ON "budgets"("user_id", "category_id", "month");

-- CreateIndex
CREATE INDEX "daily_spending_user_id_currency_day_idx" ON "daily_spending"("user_id", "currency", "day");

-- AddForeignKey
ALTER TABLE "budgets" ADD CONSTRAINT "budgets_category_id_fkey" FOREIGN KEY ("category_id") REFERENCES "categories"("id") ON DELETE CASCADE ON UPDATE CASCADE;
