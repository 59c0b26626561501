-- CreateTable
CREATE TABLE "ShopifyOrderLink" (
    "id" TEXT NOT NULL,
    "storeId" TEXT NOT NULL,
    "shopifyOrderId" TEXT NOT NULL,
    "orderName" TEXT NOT NULL DEFAULT '',
    "state" TEXT NOT NULL DEFAULT 'seen',
    "skipRule" TEXT,
    "message" TEXT,
    "salesOrderId" TEXT,
    "importedAt" TIMESTAMP(3),
    "shopifyCreatedAt" TIMESTAMP(3),
    "shopifyUpdatedAt" TIMESTAMP(3),
    "firstSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ShopifyOrderLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrderSyncState" (
    "storeId" TEXT NOT NULL,
    "windowStart" TIMESTAMP(3),
    "checkpoint" TIMESTAMP(3),
    "sweepIntervalSeconds" INTEGER NOT NULL DEFAULT 300,
    "sweepChain" TEXT,
    "lastSweepAt" TIMESTAMP(3),
    "lastSweepError" TEXT,
    "lastOrderInAt" TIMESTAMP(3),
    "pausedGapFrom" TIMESTAMP(3),
    "pausedGapUntil" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OrderSyncState_pkey" PRIMARY KEY ("storeId")
);

-- CreateIndex
CREATE UNIQUE INDEX "ShopifyOrderLink_salesOrderId_key" ON "ShopifyOrderLink"("salesOrderId");

-- CreateIndex
CREATE INDEX "ShopifyOrderLink_storeId_state_idx" ON "ShopifyOrderLink"("storeId", "state");

-- CreateIndex
CREATE UNIQUE INDEX "ShopifyOrderLink_storeId_shopifyOrderId_key" ON "ShopifyOrderLink"("storeId", "shopifyOrderId");

