-- Recurring bills (detected from payees' payments, or created by hand) and their alerts.
-- CreateEnum
CREATE TYPE "RecurringPeriod" AS ENUM ('WEEKLY', 'MONTHLY', 'YEARLY');

-- CreateEnum
CREATE TYPE "RecurringBillStatus" AS ENUM ('SUGGESTED', 'CONFIRMED', 'DISMISSED');

-- CreateEnum
CREATE TYPE "RecurringBillSource" AS ENUM ('DETECTED', 'MANUAL');

-- AlterEnum (PostgreSQL 12+ adds enum values inside a transaction, and nothing here uses them yet)
ALTER TYPE "AlertType" ADD VALUE 'BILL_DUE';
ALTER TYPE "AlertType" ADD VALUE 'RECURRING_AMOUNT_CHANGED';

-- AlterTable
ALTER TABLE "alerts" ADD COLUMN     "bill_id" UUID;

-- CreateTable
CREATE TABLE "recurring_bills" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "payee" TEXT NOT NULL,
    "period" "RecurringPeriod" NOT NULL,
    "amount_minor" BIGINT NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "category_id" UUID,
    "last_date" DATE,
    "next_date" DATE NOT NULL,
    "status" "RecurringBillStatus" NOT NULL,
    "source" "RecurringBillSource" NOT NULL,
    "remind_days_before" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "recurring_bills_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payee_payments" (
    "transaction_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "payee" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "category_id" UUID,
    "day" DATE NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "amount_minor" BIGINT NOT NULL,

    CONSTRAINT "payee_payments_pkey" PRIMARY KEY ("transaction_id")
);

-- CreateIndex
CREATE INDEX "recurring_bills_user_id_status_next_date_idx" ON "recurring_bills"("user_id", "status", "next_date");

-- CreateIndex
CREATE INDEX "recurring_bills_status_next_date_idx" ON "recurring_bills"("status", "next_date");

-- CreateIndex
CREATE UNIQUE INDEX "recurring_bills_user_id_payee_currency_key" ON "recurring_bills"("user_id", "payee", "currency");

-- CreateIndex
CREATE INDEX "payee_payments_user_id_payee_currency_day_idx" ON "payee_payments"("user_id", "payee", "currency", "day");

-- AddForeignKey
ALTER TABLE "recurring_bills" ADD CONSTRAINT "recurring_bills_category_id_fkey" FOREIGN KEY ("category_id") REFERENCES "categories"("id") ON DELETE SET NULL ON UPDATE CASCADE;
