-- Tags of a row and of its parts (tag_index: both, for the filter), and the parts of a split row
-- kept in the row (JSON) so every event of the row carries them.
-- AlterTable
ALTER TABLE "transactions" ADD COLUMN     "splits" JSONB,
ADD COLUMN     "tag_index" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "tags" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateIndex
CREATE INDEX "transactions_tag_index_idx" ON "transactions" USING GIN ("tag_index");
