-- CreateTable
CREATE TABLE "ShopifyOrderLink" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "storeId" TEXT NOT NULL,
    "shopifyOrderId" TEXT NOT NULL,
    "orderName" TEXT NOT NULL DEFAULT '',
    "state" TEXT NOT NULL DEFAULT 'seen',
    "skipRule" TEXT,
    "message" TEXT,
    "salesOrderId" TEXT,
    "importedAt" DATETIME,
    "shopifyCreatedAt" DATETIME,
    "shopifyUpdatedAt" DATETIME,
    "firstSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "OrderSyncState" (
    "storeId" TEXT NOT NULL PRIMARY KEY,
    "windowStart" DATETIME,
    "checkpoint" DATETIME,
    "sweepIntervalSeconds" INTEGER NOT NULL DEFAULT 300,
    "sweepChain" TEXT,
    "lastSweepAt" DATETIME,
    "lastSweepError" TEXT,
    "lastOrderInAt" DATETIME,
    "pausedGapFrom" DATETIME,
    "pausedGapUntil" DATETIME,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "ShopifyOrderLink_salesOrderId_key" ON "ShopifyOrderLink"("salesOrderId");

-- CreateIndex
CREATE INDEX "ShopifyOrderLink_storeId_state_idx" ON "ShopifyOrderLink"("storeId", "state");

-- CreateIndex
CREATE UNIQUE INDEX "ShopifyOrderLink_storeId_shopifyOrderId_key" ON "ShopifyOrderLink"("storeId", "shopifyOrderId");

