-- CreateEnum
CREATE TYPE "AccountShareRole" AS ENUM ('VIEWER', 'EDITOR');

-- CreateEnum
CREATE TYPE "AccountShareStatus" AS ENUM ('PENDING', 'ACCEPTED');

-- CreateTable
CREATE TABLE "account_shares" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "owner_id" UUID NOT NULL,
    "owner_email" TEXT,
    "email" TEXT NOT NULL,
    "member_id" UUID,
    "role" "AccountShareRole" NOT NULL,
    "status" "AccountShareStatus" NOT NULL DEFAULT 'PENDING',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "accepted_at" TIMESTAMPTZ(3),

    CONSTRAINT "account_shares_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "account_shares_member_id_status_idx" ON "account_shares"("member_id", "status");

-- CreateIndex
CREATE INDEX "account_shares_email_status_idx" ON "account_shares"("email", "status");

-- CreateIndex
CREATE INDEX "account_shares_owner_id_created_at_idx" ON "account_shares"("owner_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "account_shares_account_id_email_key" ON "account_shares"("account_id", "email");

-- CreateIndex
CREATE UNIQUE INDEX "account_shares_account_id_member_id_key" ON "account_shares"("account_id", "member_id");

-- AddForeignKey
ALTER TABLE "account_shares" ADD CONSTRAINT "account_shares_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
