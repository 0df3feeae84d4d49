-- AlterTable
ALTER TABLE "Job" ADD COLUMN "target" TEXT;
