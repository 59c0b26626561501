-- CreateTable
CREATE TABLE "AccountLinkAttempt" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "accountId" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    CONSTRAINT "AccountLinkAttempt_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "AccountLinkAttempt_accountId_at_idx" ON "AccountLinkAttempt"("accountId", "at");

