-- CreateTable
CREATE TABLE "ParkedJob" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "storeId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "payloadKey" TEXT NOT NULL,
    "serialKey" TEXT,
    "reason" TEXT NOT NULL,
    "parkedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "ParkedJob_storeId_kind_payloadKey_key" ON "ParkedJob"("storeId", "kind", "payloadKey");

