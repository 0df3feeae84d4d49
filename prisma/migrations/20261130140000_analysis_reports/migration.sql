-- CreateTable
CREATE TABLE "AnalysisReport" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "connectionId" TEXT NOT NULL,
    "connectionName" TEXT NOT NULL,
    "actorId" TEXT,
    "actorEmail" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "keys" INTEGER NOT NULL,
    "figures" TEXT NOT NULL
);

-- CreateIndex
CREATE INDEX "AnalysisReport_connectionId_startedAt_idx" ON "AnalysisReport"("connectionId", "startedAt");
