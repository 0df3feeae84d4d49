-- AlterTable
ALTER TABLE "ConnectionProfile" ADD COLUMN "consoleAllow" TEXT NOT NULL DEFAULT '[]';

-- CreateTable
CREATE TABLE "ConsoleHistory" (
    "id" SERIAL NOT NULL,
    "userId" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "line" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConsoleHistory_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ConsoleHistory_userId_connectionId_id_idx" ON "ConsoleHistory"("userId", "connectionId", "id");

-- CreateIndex
CREATE INDEX "ConsoleHistory_connectionId_idx" ON "ConsoleHistory"("connectionId");
