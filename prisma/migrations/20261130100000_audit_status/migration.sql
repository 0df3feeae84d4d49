-- AlterTable
ALTER TABLE "AuditEntry" ADD COLUMN "status" TEXT NOT NULL DEFAULT 'done';

-- CreateIndex
CREATE INDEX "AuditEntry_status_idx" ON "AuditEntry"("status");
