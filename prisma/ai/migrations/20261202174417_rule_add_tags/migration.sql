-- A rule can add tags to the transactions it categorizes.
-- AlterTable
ALTER TABLE "rules" ADD COLUMN     "add_tags" TEXT[] DEFAULT ARRAY[]::TEXT[];
