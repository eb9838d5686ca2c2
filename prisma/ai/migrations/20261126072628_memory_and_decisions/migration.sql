-- CreateEnum
CREATE TYPE "DecisionSource" AS ENUM ('USER', 'RULE', 'AI');

-- CreateTable
CREATE TABLE "categorizations" (
    "transaction_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "category_id" UUID NOT NULL,
    "confidence" DOUBLE PRECISION NOT NULL,
    "source" "DecisionSource" NOT NULL,
    "explanation" TEXT,
    "model_version" TEXT NOT NULL,
    "transaction_version" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "categorizations_pkey" PRIMARY KEY ("transaction_id")
);

-- CreateTable
CREATE TABLE "merchant_memory" (
    "user_id" UUID NOT NULL,
    "merchant" TEXT NOT NULL,
    "category_id" UUID NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 1,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "merchant_memory_pkey" PRIMARY KEY ("user_id","merchant")
);

-- CreateTable
CREATE TABLE "learned_corrections" (
    "transaction_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "learned_corrections_pkey" PRIMARY KEY ("transaction_id","version")
);

-- CreateIndex
CREATE INDEX "categorizations_user_id_idx" ON "categorizations"("user_id");
