-- AlterEnum
ALTER TYPE "ImportFormat" ADD VALUE 'QIF';
ALTER TYPE "ImportFormat" ADD VALUE 'CAMT053';

-- AlterTable
ALTER TABLE "import_jobs" ADD COLUMN     "mapping" JSONB,
ADD COLUMN     "detected" JSONB;
