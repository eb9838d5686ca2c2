-- AlterTable
ALTER TABLE "categorizations" ADD COLUMN     "suggestions" JSONB NOT NULL DEFAULT '[]',
ALTER COLUMN "category_id" DROP NOT NULL;
