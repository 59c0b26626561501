-- CreateTable
CREATE TABLE "SyncActivity" (
    "id" TEXT NOT NULL,
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
    "retriedAt" TIMESTAMP(3),
    "retryJobId" TEXT,
    "resolvedAt" TIMESTAMP(3),
    "resolution" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SyncActivity_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SyncActivity_storeId_at_idx" ON "SyncActivity"("storeId", "at");

-- CreateIndex
CREATE INDEX "SyncActivity_storeId_outcome_resolvedAt_idx" ON "SyncActivity"("storeId", "outcome", "resolvedAt");

-- CreateIndex
CREATE INDEX "SyncActivity_storeId_area_subjectRef_idx" ON "SyncActivity"("storeId", "area", "subjectRef");

-- AddForeignKey
ALTER TABLE "SyncActivity" ADD CONSTRAINT "SyncActivity_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

