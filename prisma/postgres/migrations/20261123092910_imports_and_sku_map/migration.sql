-- CreateTable
CREATE TABLE "VariantMapping" (
    "id" TEXT NOT NULL,
    "storeId" TEXT NOT NULL,
    "shopifyVariantId" TEXT NOT NULL,
    "shopifyProductId" TEXT NOT NULL,
    "inventoryItemId" TEXT,
    "variantId" TEXT NOT NULL,
    "sku" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "VariantMapping_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ImportRun" (
    "id" TEXT NOT NULL,
    "storeId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'queued',
    "total" INTEGER,
    "done" INTEGER NOT NULL DEFAULT 0,
    "failures" JSONB,
    "error" TEXT,
    "bulkOperationId" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "ImportRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "VariantMapping_variantId_idx" ON "VariantMapping"("variantId");

-- CreateIndex
CREATE INDEX "VariantMapping_storeId_sku_idx" ON "VariantMapping"("storeId", "sku");

-- CreateIndex
CREATE UNIQUE INDEX "VariantMapping_storeId_shopifyVariantId_key" ON "VariantMapping"("storeId", "shopifyVariantId");

-- CreateIndex
CREATE INDEX "ImportRun_storeId_kind_state_idx" ON "ImportRun"("storeId", "kind", "state");

-- AddForeignKey
ALTER TABLE "VariantMapping" ADD CONSTRAINT "VariantMapping_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ImportRun" ADD CONSTRAINT "ImportRun_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

