-- AlterTable
ALTER TABLE "Account" ADD COLUMN "stockClosingDate" DATETIME;

-- CreateTable
CREATE TABLE "Product" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "accountId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'physical',
    "batchTracked" BOOLEAN NOT NULL DEFAULT false,
    "defaultDeliveryDays" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Product_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Variant" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "accountId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "code" TEXT,
    "salesPrice" DECIMAL,
    "cost" DECIMAL,
    "needsReview" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Variant_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Variant_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "BomLine" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kitVariantId" TEXT NOT NULL,
    "componentVariantId" TEXT NOT NULL,
    "quantity" DECIMAL NOT NULL,
    CONSTRAINT "BomLine_kitVariantId_fkey" FOREIGN KEY ("kitVariantId") REFERENCES "Variant" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "BomLine_componentVariantId_fkey" FOREIGN KEY ("componentVariantId") REFERENCES "Variant" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Batch" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "accountId" TEXT NOT NULL,
    "variantId" TEXT NOT NULL,
    "locationId" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL,
    "expiresAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Batch_variantId_fkey" FOREIGN KEY ("variantId") REFERENCES "Variant" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Batch_locationId_fkey" FOREIGN KEY ("locationId") REFERENCES "Location" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "StockMovement" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "accountId" TEXT NOT NULL,
    "variantId" TEXT NOT NULL,
    "locationId" TEXT NOT NULL,
    "batchId" TEXT,
    "kind" TEXT NOT NULL,
    "quantity" DECIMAL NOT NULL,
    "occurredAt" DATETIME NOT NULL,
    "reason" TEXT,
    "salesOrderRowId" TEXT,
    "manufacturingOrderId" TEXT,
    "returnRowId" TEXT,
    "purchaseReceiptId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "StockMovement_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "StockMovement_variantId_fkey" FOREIGN KEY ("variantId") REFERENCES "Variant" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "StockMovement_locationId_fkey" FOREIGN KEY ("locationId") REFERENCES "Location" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "StockMovement_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "Batch" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "StockEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "accountId" TEXT NOT NULL,
    "variantId" TEXT NOT NULL,
    "locationId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" DATETIME,
    CONSTRAINT "StockEvent_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PurchaseReceipt" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "accountId" TEXT NOT NULL,
    "variantId" TEXT NOT NULL,
    "locationId" TEXT NOT NULL,
    "quantity" DECIMAL NOT NULL,
    "unitCost" DECIMAL,
    "batchId" TEXT,
    "receivedAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Customer" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "accountId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "phone" TEXT,
    "billingAddress" JSONB,
    "shippingAddress" JSONB,
    "extraAddresses" JSONB,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Customer_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CustomerExternalId" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "customerId" TEXT NOT NULL,
    "storeId" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    CONSTRAINT "CustomerExternalId_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SalesOrder" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "accountId" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "customerId" TEXT,
    "billTo" JSONB,
    "shipTo" JSONB,
    "customerReference" TEXT,
    "currency" TEXT NOT NULL,
    "exchangeRate" DECIMAL NOT NULL DEFAULT 1,
    "orderDate" DATETIME NOT NULL,
    "deliveryDate" DATETIME,
    "source" TEXT NOT NULL DEFAULT 'manual',
    "storeId" TEXT,
    "externalOrderId" TEXT,
    "needsReview" BOOLEAN NOT NULL DEFAULT false,
    "reviewNote" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "SalesOrder_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "SalesOrder_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SalesOrderRow" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "salesOrderId" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "variantId" TEXT,
    "description" TEXT NOT NULL DEFAULT '',
    "isShippingFee" BOOLEAN NOT NULL DEFAULT false,
    "quantity" DECIMAL NOT NULL,
    "pricePerUnit" DECIMAL NOT NULL,
    "discountPercent" DECIMAL NOT NULL DEFAULT 0,
    "locationId" TEXT,
    "state" TEXT NOT NULL DEFAULT 'not_shipped',
    "invoiced" BOOLEAN NOT NULL DEFAULT false,
    "packedAt" DATETIME,
    "deliveredAt" DATETIME,
    "externalLineId" TEXT,
    "needsReview" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "SalesOrderRow_salesOrderId_fkey" FOREIGN KEY ("salesOrderId") REFERENCES "SalesOrder" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "SalesOrderRow_variantId_fkey" FOREIGN KEY ("variantId") REFERENCES "Variant" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "SalesOrderRow_locationId_fkey" FOREIGN KEY ("locationId") REFERENCES "Location" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ManufacturingOrder" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "accountId" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "variantId" TEXT NOT NULL,
    "quantity" DECIMAL NOT NULL,
    "locationId" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'not_started',
    "salesOrderRowId" TEXT,
    "flagged" BOOLEAN NOT NULL DEFAULT false,
    "flagNote" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "doneAt" DATETIME,
    CONSTRAINT "ManufacturingOrder_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "ManufacturingOrder_variantId_fkey" FOREIGN KEY ("variantId") REFERENCES "Variant" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "ManufacturingOrder_locationId_fkey" FOREIGN KEY ("locationId") REFERENCES "Location" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "ManufacturingOrder_salesOrderRowId_fkey" FOREIGN KEY ("salesOrderRowId") REFERENCES "SalesOrderRow" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ReturnOrder" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "accountId" TEXT NOT NULL,
    "salesOrderId" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ReturnOrder_salesOrderId_fkey" FOREIGN KEY ("salesOrderId") REFERENCES "SalesOrder" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ReturnRow" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "returnOrderId" TEXT NOT NULL,
    "salesOrderRowId" TEXT NOT NULL,
    "variantId" TEXT NOT NULL,
    "quantity" DECIMAL NOT NULL,
    "restock" BOOLEAN NOT NULL,
    "locationId" TEXT,
    "state" TEXT NOT NULL,
    CONSTRAINT "ReturnRow_returnOrderId_fkey" FOREIGN KEY ("returnOrderId") REFERENCES "ReturnOrder" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Product_accountId_name_idx" ON "Product"("accountId", "name");

-- CreateIndex
CREATE INDEX "Variant_accountId_code_idx" ON "Variant"("accountId", "code");

-- CreateIndex
CREATE INDEX "Variant_productId_idx" ON "Variant"("productId");

-- CreateIndex
CREATE INDEX "BomLine_componentVariantId_idx" ON "BomLine"("componentVariantId");

-- CreateIndex
CREATE UNIQUE INDEX "BomLine_kitVariantId_componentVariantId_key" ON "BomLine"("kitVariantId", "componentVariantId");

-- CreateIndex
CREATE INDEX "Batch_variantId_locationId_receivedAt_idx" ON "Batch"("variantId", "locationId", "receivedAt");

-- CreateIndex
CREATE INDEX "StockMovement_accountId_variantId_locationId_idx" ON "StockMovement"("accountId", "variantId", "locationId");

-- CreateIndex
CREATE INDEX "StockMovement_locationId_variantId_idx" ON "StockMovement"("locationId", "variantId");

-- CreateIndex
CREATE INDEX "StockMovement_batchId_idx" ON "StockMovement"("batchId");

-- CreateIndex
CREATE INDEX "StockMovement_salesOrderRowId_idx" ON "StockMovement"("salesOrderRowId");

-- CreateIndex
CREATE INDEX "StockEvent_processedAt_createdAt_idx" ON "StockEvent"("processedAt", "createdAt");

-- CreateIndex
CREATE INDEX "PurchaseReceipt_accountId_receivedAt_idx" ON "PurchaseReceipt"("accountId", "receivedAt");

-- CreateIndex
CREATE INDEX "Customer_accountId_email_idx" ON "Customer"("accountId", "email");

-- CreateIndex
CREATE INDEX "Customer_accountId_name_idx" ON "Customer"("accountId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "CustomerExternalId_storeId_externalId_key" ON "CustomerExternalId"("storeId", "externalId");

-- CreateIndex
CREATE INDEX "SalesOrder_accountId_orderDate_idx" ON "SalesOrder"("accountId", "orderDate");

-- CreateIndex
CREATE UNIQUE INDEX "SalesOrder_accountId_number_key" ON "SalesOrder"("accountId", "number");

-- CreateIndex
CREATE UNIQUE INDEX "SalesOrder_storeId_externalOrderId_key" ON "SalesOrder"("storeId", "externalOrderId");

-- CreateIndex
CREATE INDEX "SalesOrderRow_salesOrderId_idx" ON "SalesOrderRow"("salesOrderId");

-- CreateIndex
CREATE INDEX "SalesOrderRow_variantId_locationId_state_idx" ON "SalesOrderRow"("variantId", "locationId", "state");

-- CreateIndex
CREATE UNIQUE INDEX "ManufacturingOrder_salesOrderRowId_key" ON "ManufacturingOrder"("salesOrderRowId");

-- CreateIndex
CREATE UNIQUE INDEX "ManufacturingOrder_accountId_number_key" ON "ManufacturingOrder"("accountId", "number");

-- CreateIndex
CREATE UNIQUE INDEX "ReturnOrder_accountId_number_key" ON "ReturnOrder"("accountId", "number");

