-- AlterTable: whether live clients hear transactionCategorized for each imported row
ALTER TABLE "import_jobs" ADD COLUMN "notify_each_row" BOOLEAN NOT NULL DEFAULT false;
