-- CreateTable
CREATE TABLE "training_examples" (
    "transaction_id" UUID NOT NULL,
    "description" TEXT NOT NULL,
    "amount_cents" BIGINT NOT NULL,
    "slug" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "training_examples_pkey" PRIMARY KEY ("transaction_id")
);

-- CreateTable
CREATE TABLE "model_versions" (
    "version" TEXT NOT NULL,
    "examples" INTEGER NOT NULL,
    "examples_until" TIMESTAMPTZ(3) NOT NULL,
    "trained_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "model_versions_pkey" PRIMARY KEY ("version")
);

-- CreateIndex
CREATE INDEX "training_examples_updated_at_idx" ON "training_examples"("updated_at");

-- CreateIndex
CREATE INDEX "model_versions_trained_at_idx" ON "model_versions"("trained_at");
