-- CreateIndex
CREATE INDEX "transactions_account_id_date_amount_minor_idx" ON "transactions"("account_id", "date", "amount_minor");
