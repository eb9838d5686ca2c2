-- Exchange rates per user and day, for reports converted into one currency.
-- CreateTable
CREATE TABLE "exchange_rates" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "base" VARCHAR(3) NOT NULL,
    "quote" VARCHAR(3) NOT NULL,
    "day" DATE NOT NULL,
    "rate" DECIMAL(26,12) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "exchange_rates_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "exchange_rates_user_id_quote_day_idx" ON "exchange_rates"("user_id", "quote", "day");

-- CreateIndex
CREATE UNIQUE INDEX "exchange_rates_user_id_base_quote_day_key" ON "exchange_rates"("user_id", "base", "quote", "day");

-- By hand (the offline diff cannot): a rate is positive.
ALTER TABLE "exchange_rates" ADD CONSTRAINT "exchange_rates_rate_positive" CHECK ("rate" > 0);
