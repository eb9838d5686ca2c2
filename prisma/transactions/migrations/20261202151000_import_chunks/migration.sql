-- A stored statement as ordered chunks (modules/imports): an upload is written piece by piece
-- and read back as a stream, never held whole in memory.

-- AlterEnum
ALTER TYPE "ImportStatus" ADD VALUE 'CANCELLED';

-- CreateTable
CREATE TABLE "import_chunks" (
    "import_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,

    CONSTRAINT "import_chunks_pkey" PRIMARY KEY ("import_id","seq")
);

-- AddForeignKey
ALTER TABLE "import_chunks" ADD CONSTRAINT "import_chunks_import_id_fkey" FOREIGN KEY ("import_id") REFERENCES "import_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The files of jobs still waiting move over as one chunk each
INSERT INTO "import_chunks" ("import_id", "seq", "data") SELECT "job_id", 0, "bytes" FROM "import_contents";

-- DropTable
DROP TABLE "import_contents";
