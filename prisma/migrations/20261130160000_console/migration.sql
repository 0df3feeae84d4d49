-- AlterTable
ALTER TABLE "ConnectionProfile" ADD COLUMN "consoleAllow" TEXT NOT NULL DEFAULT '[]';

-- CreateTable
CREATE TABLE "ConsoleHistory" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "userId" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "line" TEXT NOT NULL,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "ConsoleHistory_userId_connectionId_id_idx" ON "ConsoleHistory"("userId", "connectionId", "id");

-- CreateIndex
CREATE INDEX "ConsoleHistory_connectionId_idx" ON "ConsoleHistory"("connectionId");
