-- CreateTable
CREATE TABLE "ParkedJob" (
    "id" TEXT NOT NULL,
    "storeId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "payloadKey" TEXT NOT NULL,
    "serialKey" TEXT,
    "reason" TEXT NOT NULL,
    "parkedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ParkedJob_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ParkedJob_storeId_kind_payloadKey_key" ON "ParkedJob"("storeId", "kind", "payloadKey");

