-- CreateTable
CREATE TABLE "SyncActivity" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "storeId" TEXT NOT NULL,
    "area" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "subject" TEXT,
    "subjectRef" TEXT,
    "message" TEXT NOT NULL,
    "searchText" TEXT NOT NULL,
    "retryKind" TEXT,
    "retryPayload" JSONB,
    "retriedAt" DATETIME,
    "retryJobId" TEXT,
    "resolvedAt" DATETIME,
    "resolution" TEXT,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SyncActivity_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "SyncActivity_storeId_at_idx" ON "SyncActivity"("storeId", "at");

-- CreateIndex
CREATE INDEX "SyncActivity_storeId_outcome_resolvedAt_idx" ON "SyncActivity"("storeId", "outcome", "resolvedAt");

-- CreateIndex
CREATE INDEX "SyncActivity_storeId_area_subjectRef_idx" ON "SyncActivity"("storeId", "area", "subjectRef");

