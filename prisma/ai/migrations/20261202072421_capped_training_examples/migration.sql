-- Training examples become append-only (one row per transaction version) and name their user
DROP INDEX "training_examples_updated_at_idx";
ALTER TABLE "training_examples" RENAME COLUMN "updated_at" TO "recorded_at";
ALTER TABLE "training_examples" DROP CONSTRAINT "training_examples_pkey",
ADD COLUMN "user_id" UUID,
ADD CONSTRAINT "training_examples_pkey" PRIMARY KEY ("transaction_id", "version");

-- Existing rows: the user is known from the corrections the ai domain learned or decided on
UPDATE "training_examples" t SET "user_id" = p."user_id"
FROM "prior_contributions" p WHERE p."transaction_id" = t."transaction_id";
UPDATE "training_examples" t SET "user_id" = c."user_id"
FROM "categorizations" c WHERE c."transaction_id" = t."transaction_id" AND t."user_id" IS NULL;

CREATE INDEX "training_examples_recorded_at_idx" ON "training_examples"("recorded_at");
CREATE INDEX "training_examples_user_id_recorded_at_idx" ON "training_examples"("user_id", "recorded_at");
