-- AlterTable
ALTER TABLE "ConnectionProfile" ADD COLUMN "scanCount" INTEGER;
ALTER TABLE "ConnectionProfile" ADD COLUMN "scanPauseMs" INTEGER;
