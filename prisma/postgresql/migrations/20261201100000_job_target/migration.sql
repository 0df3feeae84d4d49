-- AlterTable
ALTER TABLE "Job" ADD COLUMN "target" TEXT;
ALTER TABLE "Job" ADD COLUMN "cancelledBy" TEXT;
