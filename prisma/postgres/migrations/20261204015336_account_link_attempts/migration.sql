-- CreateTable
CREATE TABLE "AccountLinkAttempt" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AccountLinkAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AccountLinkAttempt_accountId_at_idx" ON "AccountLinkAttempt"("accountId", "at");

-- AddForeignKey
ALTER TABLE "AccountLinkAttempt" ADD CONSTRAINT "AccountLinkAttempt_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

