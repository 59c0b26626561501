-- AlterTable
ALTER TABLE "ReturnOrder" ADD COLUMN "closedAt" DATETIME;
ALTER TABLE "ReturnOrder" ADD COLUMN "externalReturnId" TEXT;
ALTER TABLE "ReturnOrder" ADD COLUMN "shopifyClosedAt" DATETIME;
ALTER TABLE "ReturnOrder" ADD COLUMN "storeId" TEXT;

-- AlterTable
ALTER TABLE "ReturnRow" ADD COLUMN "externalLineId" TEXT;

-- CreateTable
CREATE TABLE "ShopifyFulfillment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "storeId" TEXT NOT NULL,
    "shopifyOrderId" TEXT NOT NULL,
    "salesOrderId" TEXT,
    "fulfillmentId" TEXT,
    "origin" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "displayStatus" TEXT,
    "shopifyLocationId" TEXT,
    "lines" JSONB NOT NULL,
    "trackingCompany" TEXT,
    "trackingNumber" TEXT,
    "trackingUrl" TEXT,
    "reason" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "appliedAt" DATETIME
);

-- CreateTable
CREATE TABLE "FulfillmentPush" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "storeId" TEXT NOT NULL,
    "salesOrderId" TEXT NOT NULL,
    "shopifyOrderId" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "lines" JSONB NOT NULL,
    "wholeOrder" BOOLEAN NOT NULL DEFAULT false,
    "trackingCompany" TEXT,
    "trackingNumber" TEXT,
    "trackingUrl" TEXT,
    "reasonCode" TEXT,
    "reason" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "doneAt" DATETIME
);

-- CreateIndex
CREATE INDEX "ShopifyFulfillment_storeId_shopifyOrderId_idx" ON "ShopifyFulfillment"("storeId", "shopifyOrderId");

-- CreateIndex
CREATE INDEX "ShopifyFulfillment_salesOrderId_idx" ON "ShopifyFulfillment"("salesOrderId");

-- CreateIndex
CREATE UNIQUE INDEX "ShopifyFulfillment_storeId_fulfillmentId_key" ON "ShopifyFulfillment"("storeId", "fulfillmentId");

-- CreateIndex
CREATE INDEX "FulfillmentPush_storeId_shopifyOrderId_state_idx" ON "FulfillmentPush"("storeId", "shopifyOrderId", "state");

-- CreateIndex
CREATE INDEX "FulfillmentPush_salesOrderId_idx" ON "FulfillmentPush"("salesOrderId");

-- CreateIndex
CREATE UNIQUE INDEX "ReturnOrder_storeId_externalReturnId_key" ON "ReturnOrder"("storeId", "externalReturnId");

