-- REGEX rules record their RE2 program size, which the per-user total counts
ALTER TABLE "rules" ADD COLUMN "program_size" INTEGER;
